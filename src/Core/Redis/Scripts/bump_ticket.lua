-- Bumps a ticket: it leaves the station's open set, a 'removed' event goes on the station's stream,
-- and the order moves to READY (last cooking station) or COMPLETED (expo). A repeated bump is a no-op.
-- KEYS: 1 ticket, 2 station open set, 3 station events, 4 order, 5 order events, 6 station all-day counts
-- ARGV: 1 station, 2 now ms, 3 trim min id, 4 bell channel, 5 retention ms of a finished order
local t = redis.call('HMGET', KEYS[1], 'station', 'status', 'body', 'bumped', 'rush')
if not t[1] or t[1] ~= ARGV[1] then
  return {'NOT_FOUND'}
end
local o = redis.call('HMGET', KEYS[4], 'status', 'expo', 'stations', 'id')
if t[2] == 'VOIDED' then
  return {'VOIDED'}
end
if t[2] == 'BUMPED' then
  return {'NOOP', t[2], t[3], t[4] or '', o[1], t[5] or '0'}
end
local stations = {}
for s in string.gmatch(o[3] or '', '[^,]+') do
  table.insert(stations, s)
end
local isExpo = ARGV[1] == o[2]
if isExpo and o[1] ~= 'READY' then
  local cooking = {}
  for _, s in ipairs(stations) do
    if redis.call('HGET', KEYS[4], 't:' .. s) == 'OPEN' then
      table.insert(cooking, s)
    end
  end
  return {'NOT_READY', table.concat(cooking, ','), o[1]}
end
redis.call('HSET', KEYS[1], 'status', 'BUMPED', 'bumped', ARGV[2])
-- A bumped ticket is kept for recall as long as a finished order is; a recall makes it permanent again.
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZREM', KEYS[2], redis.call('HGET', KEYS[1], 'id'))
redis.call('XADD', KEYS[3], 'MINID', '~', ARGV[3], '*', 'kind', 'removed', 'ticket', redis.call('HGET', KEYS[1], 'id'),
  'status', 'BUMPED', 'body', t[3], 'bumped', ARGV[2], 'rush', t[5] or '0')
allday_apply(KEYS[6], t[3], -1)
allday_event(KEYS[3], KEYS[6], ARGV[3])
redis.call('HSET', KEYS[4], 't:' .. ARGV[1], 'BUMPED')
local newStatus = o[1]
if isExpo then
  newStatus = 'COMPLETED'
elseif o[1] == 'IN_KITCHEN' then
  newStatus = 'READY'
  for _, s in ipairs(stations) do
    if redis.call('HGET', KEYS[4], 't:' .. s) == 'OPEN' then
      newStatus = 'IN_KITCHEN'
      break
    end
  end
end
local topics = ARGV[1]
if newStatus ~= o[1] then
  redis.call('HSET', KEYS[4], 'status', newStatus, 'updated', ARGV[2])
  redis.call('XADD', KEYS[5], 'MINID', '~', ARGV[3], '*', 'order', o[4], 'status', newStatus, 'at', ARGV[2])
  topics = topics .. ',order-events'
  if newStatus == 'COMPLETED' then
    redis.call('PEXPIRE', KEYS[4], ARGV[5])
  end
end
redis.call('PUBLISH', ARGV[4], topics)
return {'BUMPED', 'BUMPED', t[3], ARGV[2], newStatus, t[5] or '0'}
