-- Bumps a ticket: it leaves the station's open set, a 'removed' event goes on the station's stream,
-- and the order moves to READY (its last cooking ticket) or COMPLETED (expo). A repeated bump is a
-- no-op. When a course is done and the location fires courses by itself, the answer names the next
-- held course, which the caller fires.
-- KEYS: 1 ticket, 2 station open set, 3 station events, 4 order, 5 order events, 6 station all-day counts,
--       7 expo's ticket of the order, 8 expo's station events, 9 speed-of-service stream
-- ARGV: 1 station, 2 now ms, 3 trim min id, 4 bell channel, 5 retention ms of a finished ticket,
--       6 the ticket's suffix after the order id ('grill', 'grill:2', 'expo'), 7 report trim min id
local t = redis.call('HMGET', KEYS[1], 'station', 'status', 'course')
if not t[1] or t[1] ~= ARGV[1] then
  return {'NOT_FOUND'}
end
local o = redis.call('HMGET', KEYS[4], 'status', 'expo', 'cooking', 'id', 'autofire')
if t[2] == 'VOIDED' then
  return {'VOIDED'}
end
if t[2] == 'HELD' then
  return {'HELD', t[3]}
end
if t[2] == 'BUMPED' then
  local v = ticket_view(KEYS[1])
  return {'NOOP', o[1], '0', unpack(v)}
end
local cooking = split(o[3])
local isExpo = ARGV[1] == o[2]
if isExpo and o[1] ~= 'READY' then
  local waiting = {}
  for _, s in ipairs(cooking) do
    local state = redis.call('HGET', KEYS[4], 't:' .. s)
    if state == 'OPEN' then
      table.insert(waiting, s)
    elseif state == 'HELD' then
      table.insert(waiting, s .. ' (held)')
    end
  end
  return {'NOT_READY', table.concat(waiting, ', '), o[1]}
end
redis.call('HSET', KEYS[1], 'status', 'BUMPED', 'bumped', ARGV[2])
-- A bumped ticket is kept for recall as long as a finished order is; a recall makes it permanent again.
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZREM', KEYS[2], redis.call('HGET', KEYS[1], 'id'))
allday_apply(KEYS[6], redis.call('HGET', KEYS[1], 'body'), -1)
ticket_event(KEYS[3], KEYS[1], 'removed', ARGV[3], KEYS[6], true)
redis.call('HSET', KEYS[4], 't:' .. ARGV[6], 'BUMPED', 'b:' .. ARGV[6], ARGV[2])
-- Speed of service: a ticket's time from reaching its station to its first bump.
if (not isExpo) and redis.call('HSETNX', KEYS[1], 'timed', '1') == 1 then
  local fired = redis.call('HGET', KEYS[1], 'fired') or ARGV[2]
  redis.call('XADD', KEYS[9], 'MINID', '~', ARGV[7], '*', 'k', 't', 's', ARGV[1], 'd', tonumber(ARGV[2]) - tonumber(fired))
end
local newStatus = o[1]
local fireNext = 0
if isExpo then
  newStatus = 'COMPLETED'
else
  local allDone, courseDone = true, true
  local course = course_of(ARGV[6])
  for _, s in ipairs(cooking) do
    local state = redis.call('HGET', KEYS[4], 't:' .. s)
    if state == 'OPEN' or state == 'HELD' then
      allDone = false
      if course_of(s) == course and state == 'OPEN' then
        courseDone = false
      end
    end
  end
  if allDone and o[1] == 'IN_KITCHEN' then
    newStatus = 'READY'
  end
  if courseDone and o[5] == '1' then
    for c = course + 1, 9 do
      if redis.call('HGET', KEYS[4], 'c:' .. c) == 'HELD' then
        fireNext = c
        break
      end
    end
  end
end
local topics = ARGV[1]
if (not isExpo) and expo_refresh(KEYS[4], KEYS[7], KEYS[8], ARGV[3]) then
  topics = topics .. ',' .. o[2]
end
if newStatus ~= o[1] then
  -- Speed of service: the order's time from placed to ready and to completed, the first time only.
  local kind = ({READY = 'r', COMPLETED = 'c'})[newStatus]
  if kind and redis.call('HSETNX', KEYS[4], 'timed:' .. kind, '1') == 1 then
    local created = redis.call('HGET', KEYS[4], 'created') or ARGV[2]
    redis.call('XADD', KEYS[9], 'MINID', '~', ARGV[7], '*', 'k', kind, 'd', tonumber(ARGV[2]) - tonumber(created))
  end
  redis.call('HSET', KEYS[4], 'status', newStatus, 'updated', ARGV[2])
  redis.call('XADD', KEYS[5], 'MINID', '~', ARGV[3], '*', 'order', o[4], 'status', newStatus, 'at', ARGV[2])
  topics = topics .. ',order-events'
  if newStatus == 'COMPLETED' then
    redis.call('PEXPIRE', KEYS[4], ARGV[5])
  end
end
ring(ARGV[4], topics)
local v = ticket_view(KEYS[1])
return {'BUMPED', newStatus, tostring(fireNext), unpack(v)}
