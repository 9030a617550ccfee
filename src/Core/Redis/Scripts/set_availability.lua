-- 86s an item (available = 0) or brings it back.
-- KEYS: 1 menu, 2 86 set
-- ARGV: 1 item id, 2 available (1 or 0), 3 bell channel
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 'NO_LOCATION'
end
if redis.call('HEXISTS', KEYS[1], 'item:' .. ARGV[1]) == 0 then
  return 'UNKNOWN_ITEM'
end
local changed
if ARGV[2] == '1' then
  changed = redis.call('SREM', KEYS[2], ARGV[1])
else
  changed = redis.call('SADD', KEYS[2], ARGV[1])
end
if changed == 1 then
  redis.call('PUBLISH', ARGV[3], 'menu')
end
return 'OK'
