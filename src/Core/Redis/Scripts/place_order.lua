-- Stores a new order and queues it for the kitchen in one step, or answers for an order id seen before.
-- What can change during service is checked here, atomically with the write: a closed location, 86'd
-- items and counted items running short (FAILED_PRECONDITION). The menu's shape (known items, allowed
-- modifiers) the store checked against the definition whose content hash it hands over; a menu
-- reloaded since answers MENU_CHANGED, and the store checks again. Counted items are taken as the
-- order is stored; one at zero is 86'd.
-- A new order takes the next number of the location's business day (KEYS[8], kept three days).
-- KEYS: 1 order, 2 menu, 3 86 set, 4 order queue, 5 order events, 6 counts, 7 menu events, 8 the day's
--       order number counter
-- ARGV: 1 order id, 2 content hash, 3 body json, 4 now ms, 5 trim min id, 6 bell channel, 7 rush (1/0),
--       8 the menu's content hash the lines were checked against, 9 line count n, then n item ids and
--       n quantities

local menu = redis.call('HGET', KEYS[2], 'hash')
if not menu then
  return {'NO_LOCATION'}
end
local existing = redis.call('HGET', KEYS[1], 'hash')
if existing then
  if existing == ARGV[2] then
    return {'EXISTS', redis.call('HGETALL', KEYS[1])}
  end
  return {'CONFLICT'}
end
if redis.call('HEXISTS', KEYS[2], 'closed') == 1 then
  return {'CLOSED'}
end
if menu ~= ARGV[8] then
  return {'MENU_CHANGED'}
end
local n = tonumber(ARGV[9])
for i = 1, n do
  if redis.call('SISMEMBER', KEYS[3], ARGV[9 + i]) == 1 then
    return {'UNAVAILABLE', ARGV[9 + i]}
  end
end
local wanted, order = {}, {}
for i = 1, n do
  local item = ARGV[9 + i]
  if not wanted[item] then
    wanted[item] = 0
    table.insert(order, item)
  end
  wanted[item] = wanted[item] + tonumber(ARGV[9 + n + i])
end
local counted = {}
for _, item in ipairs(order) do
  local left = redis.call('HGET', KEYS[6], item)
  if left then
    if tonumber(left) < wanted[item] then
      return {'SHORT', item, left, tostring(wanted[item])}
    end
    table.insert(counted, item)
  end
end
for _, item in ipairs(counted) do
  local left = redis.call('HINCRBY', KEYS[6], item, -wanted[item])
  if left <= 0 then
    redis.call('SADD', KEYS[3], item)
  end
  redis.call('XADD', KEYS[7], 'MINID', '~', ARGV[5], '*', 'item', item)
end
local number = redis.call('INCR', KEYS[8])
if number == 1 then
  redis.call('PEXPIRE', KEYS[8], 259200000)
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'hash', ARGV[2], 'body', ARGV[3], 'status', 'ACCEPTED',
  'created', ARGV[4], 'updated', ARGV[4], 'rush', ARGV[7], 'number', number)
-- The queue is never trimmed here: the workers trim what they have acknowledged.
redis.call('XADD', KEYS[4], '*', 'order', ARGV[1])
redis.call('XADD', KEYS[5], 'MINID', '~', ARGV[5], '*', 'order', ARGV[1], 'status', 'ACCEPTED', 'at', ARGV[4])
if #counted > 0 then
  ring(ARGV[6], 'orders,order-events,menu')
else
  ring(ARGV[6], 'orders,order-events')
end
return {'CREATED', redis.call('HGETALL', KEYS[1])}
