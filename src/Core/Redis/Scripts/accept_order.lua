-- Accepts an order that awaits acceptance: it goes to the kitchen's queue now, or, placed for later,
-- into the scheduled set until it fires. Accepting an accepted order changes nothing; a denied or
-- cancelled one answers FINISHED with its status.
-- KEYS: 1 order, 2 order events, 3 awaiting acceptance, 4 scheduled, 5 order queue
-- ARGV: 1 now ms, 2 trim min id, 3 bell channel
local o = redis.call('HMGET', KEYS[1], 'status', 'id', 'fire')
if not o[1] then
  return {'NOT_FOUND'}
end
if o[1] == 'CANCELLED' then
  return {'FINISHED', o[1]}
end
if o[1] ~= 'AWAITING_ACCEPTANCE' then
  return {'NOOP'}
end
redis.call('ZREM', KEYS[3], o[2])
redis.call('HSET', KEYS[1], 'status', 'ACCEPTED', 'updated', ARGV[1], 'accepted', ARGV[1])
local topics = 'order-events'
if o[3] and tonumber(o[3]) > tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[4], o[3], o[2])
else
  redis.call('XADD', KEYS[5], '*', 'order', o[2])
  topics = 'orders,order-events'
end
redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 'order', o[2], 'status', 'ACCEPTED', 'at', ARGV[1])
ring(ARGV[3], topics)
return {'ACCEPTED'}
