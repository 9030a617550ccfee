-- Takes a free lease on a location, or renews one this worker holds.
-- KEYS: 1 lease. ARGV: 1 worker, 2 lease time ms. Returns 1 when the worker holds the lease now.
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
