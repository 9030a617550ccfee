-- Notes when a screen first showed a ticket: the POS's receipt for it, and expo's "cooking" rather
-- than "waiting". Only the first screen's showing counts.
-- KEYS: 1 ticket, 2 order, 3 order events, 4 expo's ticket of the order, 5 expo's station events
-- ARGV: 1 now ms, 2 trim min id, 3 bell channel
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HSETNX', KEYS[1], 'shown', ARGV[1]) == 0 then
  return 0
end
local t = redis.call('HMGET', KEYS[1], 'id', 'station')
local o = redis.call('HMGET', KEYS[2], 'status', 'id', 'expo')
if not o[1] then
  return 1
end
local topics = 'order-events'
if t[2] ~= o[3] then
  redis.call('HSET', KEYS[2], 's:' .. string.sub(t[1], #o[2] + 2), ARGV[1])
  if expo_refresh(KEYS[2], KEYS[4], KEYS[5], ARGV[2]) then
    topics = topics .. ',' .. o[3]
  end
end
redis.call('XADD', KEYS[3], 'MINID', '~', ARGV[2], '*', 'order', o[2], 'status', o[1], 'at', ARGV[1])
redis.call('PUBLISH', ARGV[3], topics)
return 1
