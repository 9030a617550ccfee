-- Marks an open order rush (or not): its tickets jump ahead on every screen ('updated' events) and
-- the POS hears the change.
-- KEYS: 1 order, 2 order events, then per ticket: ticket, station open set, station events, station all-day
-- ARGV: 1 now ms, 2 trim min id, 3 bell channel, 4 rush (1/0), 5 the order's ticket ids csv as the
--       caller read them (a mismatch means the worker routed it meanwhile: the caller reads again)
local o = redis.call('HMGET', KEYS[1], 'status', 'tickets', 'id', 'rush')
if not o[1] then
  return {'NOT_FOUND'}
end
if o[1] == 'COMPLETED' or o[1] == 'CANCELLED' then
  return {'FINISHED', o[1]}
end
if (o[4] or '0') == ARGV[4] then
  return {'NOOP'}
end
if (o[2] or '') ~= ARGV[5] then
  return {'RETRY'}
end
local topics = {'order-events'}
local n = (#KEYS - 2) / 4
for i = 0, n - 1 do
  local tkey, open, events = KEYS[3 + i * 4], KEYS[4 + i * 4], KEYS[5 + i * 4]
  local t = redis.call('HMGET', tkey, 'status', 'id', 'station', 'created')
  if t[1] then
    local score = ticket_score(t[4], ARGV[4])
    redis.call('HSET', tkey, 'rush', ARGV[4], 'score', score)
    if t[1] == 'OPEN' then
      redis.call('ZADD', open, score, t[2])
      ticket_event(events, tkey, 'updated', ARGV[2])
      table.insert(topics, t[3])
    end
  end
end
redis.call('HSET', KEYS[1], 'rush', ARGV[4], 'updated', ARGV[1])
redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 'order', o[3], 'status', o[1], 'at', ARGV[1])
ring(ARGV[3], table.concat(topics, ','))
return {'OK'}
