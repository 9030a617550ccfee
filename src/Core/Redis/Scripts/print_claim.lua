-- Claims a ticket for its backup print, so one worker prints it however many look: a ticket printed
-- before answers NOOP, one shown, bumped or voided meanwhile SKIPPED, one another worker is printing
-- HELD until that claim lapses (a worker that died while printing lets go by itself).
-- KEYS: 1 ticket
-- ARGV: 1 now ms, 2 the claim's end ms, 3 this worker
local t = redis.call('HMGET', KEYS[1], 'status', 'printed', 'printing', 'body', 'fired', 'shown')
if not t[1] then
  return {'MISSING'}
end
if t[2] then
  return {'NOOP'}
end
if t[1] ~= 'OPEN' or t[6] then
  return {'SKIPPED'}
end
if t[3] and tonumber(string.match(t[3], '^(%d+)')) > tonumber(ARGV[1]) then
  return {'HELD'}
end
redis.call('HSET', KEYS[1], 'printing', ARGV[2] .. ' ' .. ARGV[3])
return {'OK', t[4], t[5]}
