-- Writes an order's tickets, puts the first course on its stations' screens and acknowledges the
-- queue message, all at once. Later courses are written held: no station sees them until they fire.
-- A redelivered message finds the order routed and only acknowledges: no second ticket.
-- Redis does not roll back a script that fails partway, so the script is safe to run again after a
-- run cut short: the order is marked routed (and IN_KITCHEN) only by its last writes, a ticket that
-- run wrote is kept as it is, and only a ticket it had not yet opened is opened (and counted) now.
-- KEYS: 1 order, 2 order queue, 3 order events, then per ticket: ticket, station open set, station
--       events, station all-day counts (expo's ticket last)
-- ARGV: 1 group, 2 message id, 3 now ms, 4 trim min id, 5 bell channel, 6 cooking ticket suffixes csv,
--       7 expo station, 8 ticket ids csv, 9 auto-fire (1/0), 10 courses csv, 11 held courses csv,
--       12 the order's version the tickets were made from (changed meanwhile: the caller reads again),
--       then per ticket: ticket id, station, body json, course
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return 'MISSING'
end
if status == 'CANCELLED' or redis.call('HEXISTS', KEYS[1], 'routed') == 1 then
  redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
  return 'SKIPPED'
end
if (redis.call('HGET', KEYS[1], 'version') or '0') ~= ARGV[12] then
  return 'RETRY'
end
local oid = redis.call('HGET', KEYS[1], 'id')
local rush = redis.call('HGET', KEYS[1], 'rush') or '0'
local score = ticket_score(ARGV[3], rush)
local n = ticket_count(4)
local suffixes = split(ARGV[6])
-- What expo's progress is computed from, written before expo's ticket; the rest goes last.
local progress = {'cooking', ARGV[6]}
local final = {'routed', '1', 'status', 'IN_KITCHEN', 'updated', ARGV[3], 'expo', ARGV[7], 'tickets', ARGV[8],
  'autofire', ARGV[9], 'version', tonumber(ARGV[12]) + 1}
local topics = {'order-events'}
for _, c in ipairs(split(ARGV[10])) do
  table.insert(final, 'c:' .. c)
  if c == '1' then
    table.insert(final, 'FIRED')
  else
    table.insert(final, 'HELD')
  end
end
for i = 0, n - 1 do
  local tkey, open, events, allday = ticket_keys(4, i)
  local tid, station, body, course = ARGV[13 + i * 4], ARGV[14 + i * 4], ARGV[15 + i * 4], ARGV[16 + i * 4]
  local isExpo = i == n - 1
  local state = 'OPEN'
  if course ~= '1' then
    state = 'HELD'
  end
  local written = redis.call('HEXISTS', tkey, 'id') == 1
  if not written then
    redis.call('HSET', tkey, 'id', tid, 'order', oid, 'station', station, 'status', state, 'body', body,
      'created', ARGV[3], 'score', score, 'rush', rush, 'course', course)
  end
  local opened = written and redis.call('HEXISTS', tkey, 'fired') == 1
  if isExpo then
    -- The order's progress fields go first, so expo's ticket shows every station's progress from the start.
    redis.call('HSET', KEYS[1], unpack(progress))
    redis.call('HSET', tkey, 'held', ARGV[11], 'progress', expo_progress(KEYS[1]))
  else
    local suffix = suffixes[i + 1]
    table.insert(progress, 't:' .. suffix)
    table.insert(progress, state)
    if state == 'OPEN' then
      table.insert(progress, 'f:' .. suffix)
      table.insert(progress, (opened and redis.call('HGET', tkey, 'fired')) or ARGV[3])
    end
  end
  if state == 'OPEN' and not opened then
    ticket_open(tkey, open, events, allday, score, ARGV[3], ARGV[4])
    table.insert(topics, station)
  end
end
redis.call('HSET', KEYS[1], unpack(final))
redis.call('XADD', KEYS[3], 'MINID', '~', ARGV[4], '*', 'order', oid, 'status', 'IN_KITCHEN', 'at', ARGV[3])
redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
ring(ARGV[5], table.concat(topics, ','))
return 'ROUTED'
