-- Lets go of a lease this worker holds; another worker's lease is left alone.
-- KEYS: 1 lease. ARGV: 1 worker.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
