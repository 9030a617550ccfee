-- Fires a held course: its tickets reach their stations' screens now, expo's ticket shows the course
-- as fired, and an order that was READY is back IN_KITCHEN. Firing a fired course is a no-op.
-- KEYS: 1 order, 2 order events, then per ticket: ticket, station open set, station events, station all-day
-- ARGV: 1 now ms, 2 trim min id, 3 bell channel, 4 course, 5 the order's ticket ids csv as the caller
--       read them (a mismatch means the worker routed it meanwhile: the caller reads again), 6 the
--       tickets' suffixes csv (in the KEYS' order)
local o, refusal = read_open_order(KEYS[1], 'tickets', 'id', 'expo')
if not o then
  return refusal
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
local suffixes = split(ARGV[#ARGV])
for i = 0, ticket_count(3) - 1 do
  local tkey, open, events, allday = ticket_keys(3, i)
  local t = redis.call('HMGET', tkey, 'status', 'id', 'station', 'course', 'score')
  if t[1] == 'HELD' and t[4] == ARGV[4] then
    ticket_open(tkey, open, events, allday, t[5], ARGV[1], ARGV[2])
    redis.call('HSET', KEYS[1], 't:' .. suffixes[i + 1], 'OPEN', 'f:' .. suffixes[i + 1], ARGV[1])
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
