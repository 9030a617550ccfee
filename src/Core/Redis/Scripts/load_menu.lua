-- Replaces a location's menu when its data file changed; loading the same file again changes nothing.
-- 86 marks and counts survive a reload, except for items that left the menu.
-- KEYS: 1 menu, 2 86 set, 3 locations set, 4 counts, 5 menu events
-- ARGV: 1 location id, 2 content hash, 3 definition json, 4 bell channel, 5 modifiers allowed on any
--       item ("\n"-framed), 6 trim min id, then triples of item id, station, allowed modifiers
redis.call('SADD', KEYS[3], ARGV[1])
if redis.call('HGET', KEYS[1], 'hash') == ARGV[2] then
  return 'UNCHANGED'
end
redis.call('DEL', KEYS[1])
local fields = {'def', ARGV[3], 'hash', ARGV[2], 'mods:*', ARGV[5]}
local keep = {}
for i = 7, #ARGV, 3 do
  table.insert(fields, 'item:' .. ARGV[i])
  table.insert(fields, ARGV[i + 1])
  table.insert(fields, 'mods:' .. ARGV[i])
  table.insert(fields, ARGV[i + 2])
  keep[ARGV[i]] = true
end
redis.call('HSET', KEYS[1], unpack(fields))
for _, item in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if not keep[item] then
    redis.call('SREM', KEYS[2], item)
  end
end
for _, item in ipairs(redis.call('HKEYS', KEYS[4])) do
  if not keep[item] then
    redis.call('HDEL', KEYS[4], item)
  end
end
redis.call('XADD', KEYS[5], 'MINID', '~', ARGV[6], '*', 'item', '*')
redis.call('PUBLISH', ARGV[4], 'menu')
return 'LOADED'
