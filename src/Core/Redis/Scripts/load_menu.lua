-- Replaces a location's menu when its data file changed; loading the same file again changes nothing.
-- 86 marks survive a reload, except for items that left the menu.
-- KEYS: 1 menu, 2 86 set, 3 locations set
-- ARGV: 1 location id, 2 content hash, 3 definition json, 4 bell channel, then pairs of item id, station
redis.call('SADD', KEYS[3], ARGV[1])
if redis.call('HGET', KEYS[1], 'hash') == ARGV[2] then
  return 'UNCHANGED'
end
redis.call('DEL', KEYS[1])
local fields = {'def', ARGV[3], 'hash', ARGV[2]}
local keep = {}
for i = 5, #ARGV, 2 do
  table.insert(fields, 'item:' .. ARGV[i])
  table.insert(fields, ARGV[i + 1])
  keep[ARGV[i]] = true
end
redis.call('HSET', KEYS[1], unpack(fields))
for _, item in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if not keep[item] then
    redis.call('SREM', KEYS[2], item)
  end
end
redis.call('PUBLISH', ARGV[4], 'menu')
return 'LOADED'
