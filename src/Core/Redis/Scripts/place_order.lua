-- Stores a new order and queues it for the kitchen in one step, or answers for an order id seen before.
-- KEYS: 1 order, 2 menu, 3 86 set, 4 order queue, 5 order events
-- ARGV: 1 order id, 2 content hash, 3 body json, 4 now ms, 5 trim min id, 6 bell channel, 7.. item ids
if redis.call('EXISTS', KEYS[2]) == 0 then
  return {'NO_LOCATION'}
end
local existing = redis.call('HGET', KEYS[1], 'hash')
if existing then
  if existing == ARGV[2] then
    return {'EXISTS', redis.call('HGETALL', KEYS[1])}
  end
  return {'CONFLICT'}
end
for i = 7, #ARGV do
  if redis.call('HEXISTS', KEYS[2], 'item:' .. ARGV[i]) == 0 then
    return {'UNKNOWN_ITEM', ARGV[i]}
  end
end
for i = 7, #ARGV do
  if redis.call('SISMEMBER', KEYS[3], ARGV[i]) == 1 then
    return {'UNAVAILABLE', ARGV[i]}
  end
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'hash', ARGV[2], 'body', ARGV[3], 'status', 'ACCEPTED',
  'created', ARGV[4], 'updated', ARGV[4])
redis.call('XADD', KEYS[4], 'MINID', '~', ARGV[5], '*', 'order', ARGV[1])
redis.call('XADD', KEYS[5], 'MINID', '~', ARGV[5], '*', 'order', ARGV[1], 'status', 'ACCEPTED', 'at', ARGV[4])
redis.call('PUBLISH', ARGV[6], 'orders,order-events')
return {'CREATED', redis.call('HGETALL', KEYS[1])}
