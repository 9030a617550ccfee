-- Records a backup print the printer confirmed: on the ticket (never printed again), in its order's
-- receipts (p:<suffix>), and the station's printer as working.
-- KEYS: 1 ticket, 2 order, 3 the location's failing printers
-- ARGV: 1 now ms, 2 the ticket's suffix, 3 station
redis.call('HSET', KEYS[1], 'printed', ARGV[1])
redis.call('HDEL', KEYS[1], 'printing')
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[2], 'p:' .. ARGV[2], ARGV[1])
end
redis.call('HDEL', KEYS[3], ARGV[3])
return {'OK'}
