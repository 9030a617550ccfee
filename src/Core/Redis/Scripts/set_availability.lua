-- 86s an item (available = 0) or brings it back, and sets or clears how many are left.
-- KEYS: 1 menu, 2 86 set, 3 counts, 4 menu events
-- ARGV: 1 item id, 2 available (1 or 0), 3 bell channel, 4 remaining ('' keeps the count as it is,
--       '-1' makes the item uncounted, otherwise the number left), 5 trim min id
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 'NO_LOCATION'
end
if redis.call('HEXISTS', KEYS[1], 'item:' .. ARGV[1]) == 0 then
  return 'UNKNOWN_ITEM'
end
local available = ARGV[2] == '1'
if ARGV[4] == '-1' then
  redis.call('HDEL', KEYS[3], ARGV[1])
elseif ARGV[4] ~= '' then
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
  if tonumber(ARGV[4]) <= 0 then
    available = false
  end
end
if available then
  redis.call('SREM', KEYS[2], ARGV[1])
else
  redis.call('SADD', KEYS[2], ARGV[1])
end
redis.call('XADD', KEYS[4], 'MINID', '~', ARGV[5], '*', 'item', ARGV[1])
ring(ARGV[3], 'menu')
return 'OK'
