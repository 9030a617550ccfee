-- Writes an order's tickets, puts them on their stations' streams and acknowledges the queue message,
-- all at once. A redelivered message finds the order routed and only acknowledges: no second ticket.
-- KEYS: 1 order, 2 order queue, 3 order events, then per ticket: ticket, station open set, station events,
--       station all-day counts
-- ARGV: 1 group, 2 message id, 3 now ms, 4 trim min id, 5 bell channel, 6 cooking stations csv,
--       7 expo station, 8 ticket ids csv, 9 bell topics, then per ticket: ticket id, station, body json
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return 'MISSING'
end
if status == 'CANCELLED' or redis.call('HEXISTS', KEYS[1], 'routed') == 1 then
  redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
  return 'SKIPPED'
end
local oid = redis.call('HGET', KEYS[1], 'id')
local rush = redis.call('HGET', KEYS[1], 'rush') or '0'
-- Rush tickets sort ahead of every other open ticket, oldest rush first.
local score = tonumber(ARGV[3])
if rush == '1' then
  score = score - 10000000000000
end
local n = (#KEYS - 3) / 4
local fields = {'routed', '1', 'status', 'IN_KITCHEN', 'updated', ARGV[3], 'stations', ARGV[6],
  'expo', ARGV[7], 'tickets', ARGV[8]}
for i = 0, n - 1 do
  local tkey, open, events, allday = KEYS[4 + i * 4], KEYS[5 + i * 4], KEYS[6 + i * 4], KEYS[7 + i * 4]
  local tid, station, body = ARGV[10 + i * 3], ARGV[11 + i * 3], ARGV[12 + i * 3]
  redis.call('HSET', tkey, 'id', tid, 'order', oid, 'station', station, 'status', 'OPEN', 'body', body,
    'created', ARGV[3], 'score', score, 'rush', rush)
  redis.call('ZADD', open, score, tid)
  redis.call('XADD', events, 'MINID', '~', ARGV[4], '*', 'kind', 'added', 'ticket', tid, 'status', 'OPEN', 'body', body,
    'rush', rush)
  allday_apply(allday, body, 1)
  allday_event(events, allday, ARGV[4])
  table.insert(fields, 't:' .. station)
  table.insert(fields, 'OPEN')
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('XADD', KEYS[3], 'MINID', '~', ARGV[4], '*', 'order', oid,
  'status', 'IN_KITCHEN', 'at', ARGV[3])
redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[5], ARGV[9])
return 'ROUTED'
