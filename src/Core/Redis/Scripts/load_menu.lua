-- Replaces a location's menu when its data file changed; loading the same file again changes nothing.
-- 86 marks and counts survive a reload, except for items that left the menu. Loading a location
-- reopens it when it was closed.
-- The caller adds the location to the set of locations itself: that key lives on another shard.
-- KEYS: 1 menu, 2 86 set, 3 counts, 4 menu events
-- ARGV: 1 location id, 2 content hash, 3 definition json, 4 bell channel, 5 trim min id, then pairs of
--       item id, station
-- Which modifiers an item allows is the definition's (checked against it before a script runs; the
-- place script checks the hash it was checked against): the menu hash keeps only what scripts need.
if redis.call('HGET', KEYS[1], 'hash') == ARGV[2] then
  -- The same file back after it was removed: the location takes orders again.
  if redis.call('HDEL', KEYS[1], 'closed') == 1 then
    ring(ARGV[4], 'menu')
    return 'REOPENED'
  end
  return 'UNCHANGED'
end
redis.call('DEL', KEYS[1])
local fields = {'def', ARGV[3], 'hash', ARGV[2]}
local keep = {}
for i = 6, #ARGV, 2 do
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
for _, item in ipairs(redis.call('HKEYS', KEYS[3])) do
  if not keep[item] then
    redis.call('HDEL', KEYS[3], item)
  end
end
redis.call('XADD', KEYS[4], 'MINID', '~', ARGV[5], '*', 'item', '*')
ring(ARGV[4], 'menu')
return 'LOADED'
