-- Fires a held course: its tickets reach their stations' screens now, expo's ticket shows the course
-- as fired, and an order that was READY is back IN_KITCHEN. Firing a fired course is a no-op.
-- KEYS: 1 order, 2 order events, then per ticket: ticket, station open set, station events, station all-day
-- ARGV: 1 now ms, 2 trim min id, 3 bell channel, 4 course, 5 the order's ticket ids csv as the caller
--       read them (a mismatch means the worker routed it meanwhile: the caller reads again)
local o = redis.call('HMGET', KEYS[1], 'status', 'tickets', 'id', 'expo')
if not o[1] then
  return {'NOT_FOUND'}
end
if o[1] == 'COMPLETED' or o[1] == 'CANCELLED' then
  return {'FINISHED', o[1]}
end
if o[1] == 'ACCEPTED' then
  return {'NOT_ROUTED'}
end
if (o[2] or '') ~= ARGV[5] then
  return {'RETRY'}
end
local state = redis.call('HGET', KEYS[1], 'c:' .. ARGV[4])
if not state then
  return {'NO_COURSE'}
end
if state == 'FIRED' then
  return {'NOOP'}
end
local topics = {'order-events'}
local expo = nil
local n = (#KEYS - 2) / 4
for i = 0, n - 1 do
  local tkey, open, events, allday = KEYS[3 + i * 4], KEYS[4 + i * 4], KEYS[5 + i * 4], KEYS[6 + i * 4]
  local t = redis.call('HMGET', tkey, 'status', 'id', 'station', 'course', 'score')
  if t[1] == 'HELD' and t[4] == ARGV[4] then
    ticket_open(tkey, open, events, allday, t[5], ARGV[1], ARGV[2])
    redis.call('HSET', KEYS[1], 't:' .. string.sub(t[2], #o[3] + 2), 'OPEN', 'f:' .. string.sub(t[2], #o[3] + 2), ARGV[1])
    table.insert(topics, t[3])
  elseif t[3] == o[4] then
    expo = {tkey, events}
  end
end
if expo then
  local held = {}
  for _, c in ipairs(split(redis.call('HGET', expo[1], 'held'))) do
    if c ~= ARGV[4] then
      table.insert(held, c)
    end
  end
  redis.call('HSET', expo[1], 'held', table.concat(held, ','))
  if expo_refresh(KEYS[1], expo[1], expo[2], ARGV[2]) then
    table.insert(topics, o[4])
  end
end
redis.call('HSET', KEYS[1], 'c:' .. ARGV[4], 'FIRED', 'updated', ARGV[1])
if o[1] == 'READY' then
  redis.call('HSET', KEYS[1], 'status', 'IN_KITCHEN')
  o[1] = 'IN_KITCHEN'
end
redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 'order', o[3], 'status', o[1], 'at', ARGV[1])
ring(ARGV[3], table.concat(topics, ','))
return {'FIRED'}
