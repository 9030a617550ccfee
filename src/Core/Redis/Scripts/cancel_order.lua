-- Cancels an order: its open tickets are voided on their stations (an 'updated' event with status
-- VOIDED, so screens strike them through), and a not yet routed order will make no tickets.
-- KEYS: 1 order, 2 order events, then per ticket: ticket, station open set, station events
-- ARGV: 1 now ms, 2 trim min id, 3 bell channel, 4 retention ms, 5 the order's ticket ids csv as the
--       caller read them (a mismatch means the worker routed it meanwhile: the caller reads again)
local o = redis.call('HMGET', KEYS[1], 'status', 'tickets', 'id')
if not o[1] then
  return {'NOT_FOUND'}
end
if o[1] == 'COMPLETED' then
  return {'COMPLETED'}
end
if o[1] == 'CANCELLED' then
  return {'NOOP'}
end
if (o[2] or '') ~= ARGV[5] then
  return {'RETRY'}
end
local topics = {'order-events'}
local n = (#KEYS - 2) / 3
for i = 0, n - 1 do
  local tkey, open, events = KEYS[3 + i * 3], KEYS[4 + i * 3], KEYS[5 + i * 3]
  local t = redis.call('HMGET', tkey, 'status', 'body', 'id', 'station')
  if t[1] == 'OPEN' then
    redis.call('HSET', tkey, 'status', 'VOIDED')
    redis.call('ZREM', open, t[3])
    redis.call('XADD', events, 'MINID', '~', ARGV[2], '*', 'kind', 'updated', 'ticket', t[3], 'status', 'VOIDED', 'body', t[2])
    redis.call('HSET', KEYS[1], 't:' .. t[4], 'VOIDED')
    table.insert(topics, t[4])
  end
  if t[1] then
    redis.call('PEXPIRE', tkey, ARGV[4])
  end
end
redis.call('HSET', KEYS[1], 'status', 'CANCELLED', 'updated', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 'order', o[3], 'status', 'CANCELLED', 'at', ARGV[1])
redis.call('PUBLISH', ARGV[3], table.concat(topics, ','))
return {'CANCELLED'}
