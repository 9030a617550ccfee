-- Renews a lease only if this worker still holds it (one it is handing over: once let go, it stays free).
-- KEYS: 1 lease. ARGV: 1 worker, 2 lease time ms. Returns 1 when the worker still holds the lease.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
