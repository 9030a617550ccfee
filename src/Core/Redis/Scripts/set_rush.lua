-- Marks an open order rush (or not): its tickets jump ahead on every screen ('updated' events) and
-- the POS hears the change.
-- KEYS: 1 order, 2 order events, then per ticket: ticket, station open set, station events, station all-day
-- ARGV: 1 now ms, 2 trim min id, 3 bell channel, 4 rush (1/0), 5 the order's ticket ids csv as the
--       caller read them (a mismatch means the worker routed it meanwhile: the caller reads again),
--       6 the tickets' suffixes csv (unused here: every script run over an order's tickets gets it last)
local o, refusal = read_open_order(KEYS[1], 'tickets', 'id', 'rush')
if not o then
  return refusal
end
if (o[4] or '0') == ARGV[4] then
  return {'NOOP'}
end
if (o[2] or '') ~= ARGV[5] then
  return {'RETRY'}
end
local topics = {'order-events'}
for i = 0, ticket_count(3) - 1 do
  local tkey, open, events = ticket_keys(3, i)
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
