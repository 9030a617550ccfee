-- Stores a new order and queues it for the kitchen in one step, or answers for an order id seen before.
-- What can change during service is checked here, atomically with the write: a closed location, 86'd
-- items and counted items running short (FAILED_PRECONDITION). The menu's shape (known items, allowed
-- modifiers) the store checked against the definition whose content hash it hands over; a menu
-- reloaded since answers MENU_CHANGED, and the store checks again. Counted items are taken as the
-- order is stored; one at zero is 86'd.
-- A new order takes the next number of the location's business day (KEYS[8], kept three days).
-- An order to be accepted by hand waits in the awaiting set (KEYS[9], by its accept-by time) instead
-- of the queue; one for later waits in the scheduled set (KEYS[10], by when it fires). Either way its
-- counts are taken now, so what was promised is kept for it.
-- KEYS: 1 order, 2 menu, 3 86 set, 4 order queue, 5 order events, 6 counts, 7 menu events, 8 the day's
--       order number counter, 9 awaiting acceptance, 10 scheduled
-- ARGV: 1 order id, 2 content hash, 3 body json, 4 now ms, 5 trim min id, 6 bell channel, 7 rush (1/0),
--       8 the menu's content hash the lines were checked against, 9 line count n, then n item ids and
--       n quantities, then accept-by ms, pickup ms and fire-at ms (each 0 for none)

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
local accept_by, pickup, fire_at = ARGV[10 + 2 * n], ARGV[11 + 2 * n], ARGV[12 + 2 * n]
local status = accept_by ~= '0' and 'AWAITING_ACCEPTANCE' or 'ACCEPTED'
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'hash', ARGV[2], 'body', ARGV[3], 'status', status,
  'created', ARGV[4], 'updated', ARGV[4], 'rush', ARGV[7], 'number', number)
if pickup ~= '0' then
  redis.call('HSET', KEYS[1], 'pickup', pickup, 'fire', fire_at)
end
local topics = 'order-events'
if accept_by ~= '0' then
  redis.call('HSET', KEYS[1], 'accept_by', accept_by)
  redis.call('ZADD', KEYS[9], accept_by, ARGV[1])
elseif tonumber(fire_at) > tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[10], fire_at, ARGV[1])
else
  -- The queue is never trimmed here: the workers trim what they have acknowledged.
  redis.call('XADD', KEYS[4], '*', 'order', ARGV[1])
  topics = 'orders,order-events'
end
redis.call('XADD', KEYS[5], 'MINID', '~', ARGV[5], '*', 'order', ARGV[1], 'status', status, 'at', ARGV[4])
if #counted > 0 then
  topics = topics .. ',menu'
end
ring(ARGV[6], topics)
return {'CREATED', redis.call('HGETALL', KEYS[1])}
