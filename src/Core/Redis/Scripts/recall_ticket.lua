-- Brings a bumped ticket back: it returns to the station's open set as 'added', and the order steps
-- back (READY to IN_KITCHEN for a cooking station, COMPLETED to READY for expo).
-- KEYS: 1 ticket, 2 station open set, 3 station events, 4 order, 5 order events, 6 station all-day counts,
--       7 expo's ticket of the order, 8 expo's station events
-- ARGV: 1 station, 2 now ms, 3 trim min id, 4 bell channel, 5 the ticket's suffix after the order id
local t = redis.call('HMGET', KEYS[1], 'station', 'status', 'body', 'score', 'id')
if not t[1] or t[1] ~= ARGV[1] then
  return {'NOT_FOUND'}
end
local o = redis.call('HMGET', KEYS[4], 'status', 'expo', 'id')
if t[2] == 'VOIDED' or o[1] == 'CANCELLED' then
  return {'VOIDED'}
end
if t[2] == 'OPEN' or t[2] == 'HELD' then
  local v = ticket_view(KEYS[1])
  return {'NOOP', o[1], unpack(v)}
end
local isExpo = ARGV[1] == o[2]
if (not isExpo) and o[1] == 'COMPLETED' then
  return {'COMPLETED'}
end
redis.call('HSET', KEYS[1], 'status', 'OPEN')
redis.call('HDEL', KEYS[1], 'bumped')
redis.call('PERSIST', KEYS[1])
redis.call('ZADD', KEYS[2], t[4], t[5])
allday_apply(KEYS[6], t[3], 1)
ticket_event(KEYS[3], KEYS[1], 'added', ARGV[3], KEYS[6])
if not isExpo then
  redis.call('HSET', KEYS[4], 't:' .. ARGV[5], 'OPEN')
  redis.call('HDEL', KEYS[4], 'b:' .. ARGV[5])
end
local newStatus = o[1]
if isExpo and o[1] == 'COMPLETED' then
  newStatus = 'READY'
  redis.call('PERSIST', KEYS[4])
elseif (not isExpo) and o[1] == 'READY' then
  newStatus = 'IN_KITCHEN'
end
local topics = ARGV[1]
if (not isExpo) and expo_refresh(KEYS[4], KEYS[7], KEYS[8], ARGV[3]) then
  topics = topics .. ',' .. o[2]
end
if newStatus ~= o[1] then
  redis.call('HSET', KEYS[4], 'status', newStatus, 'updated', ARGV[2])
  redis.call('XADD', KEYS[5], 'MINID', '~', ARGV[3], '*', 'order', o[3], 'status', newStatus, 'at', ARGV[2])
  topics = topics .. ',order-events'
end
ring(ARGV[4], topics)
local v = ticket_view(KEYS[1])
return {'RECALLED', newStatus, unpack(v)}
