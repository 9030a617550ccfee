-- A backup print that failed: the claim is let go (the print is retried) and the station's printer is
-- noted as failing, since when, why and how many times in a row.
-- KEYS: 1 ticket, 2 the location's failing printers
-- ARGV: 1 now ms, 2 this worker, 3 station, 4 reason
local printing = redis.call('HGET', KEYS[1], 'printing')
if printing and string.match(printing, ' (.*)$') == ARGV[2] then
  redis.call('HDEL', KEYS[1], 'printing')
end
local was = redis.call('HGET', KEYS[2], ARGV[3])
local state = {since = tonumber(ARGV[1]), failures = 0}
if was then
  state = cjson.decode(was)
end
state.failures = state.failures + 1
state.reason = ARGV[4]
redis.call('HSET', KEYS[2], ARGV[3], cjson.encode(state))
return {'OK', state.failures}
