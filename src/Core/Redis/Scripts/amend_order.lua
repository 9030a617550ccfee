-- Changes an open order's lines (a round added, or lines voided) and its tickets with them, at once.
-- Stations see 'updated' tickets: new items appear, voided ones stay struck through; a ticket with
-- nothing left is voided; a bumped or voided ticket that gets new items comes back ('added'); a new station
-- or course gets a ticket of its own. Counted items are taken or given back. The POS hears it.
-- KEYS: 1 order, 2 order events, 3 counts, 4 86 set, 5 menu events, then per ticket: ticket,
--       station open set, station events, station all-day counts
-- ARGV: 1 now ms, 2 trim min id, 3 bell channel, 4 the order's version the change was made from,
--       5 new order body json, 6 ticket ids csv after the change, 7 cooking ticket suffixes csv,
--       8 round id ('' when voiding), 9 count of item/delta pairs, then the pairs (delta > 0 takes),
--       then per ticket: ticket id, station, body json, course, action (new, update, void), grew (1/0),
--       suffix (the ticket id after the order's: 'grill', 'dessert:2')
-- A round seen before answers as it did, even once the order is finished.
if ARGV[8] ~= '' and redis.call('HEXISTS', KEYS[1], 'round:' .. ARGV[8]) == 1 then
  return {'REPLAY'}
end
local o, refusal = read_open_order(KEYS[1], 'version', 'id', 'routed', 'rush')
if not o then
  return refusal
end
if (o[2] or '0') ~= ARGV[4] then
  return {'RETRY'}
end
local changes = tonumber(ARGV[9])
-- A round is refused exactly as a new order would be: an 86'd item first, then a count run short.
for i = 0, changes - 1 do
  local item, delta = ARGV[10 + i * 2], tonumber(ARGV[11 + i * 2])
  if delta > 0 and redis.call('SISMEMBER', KEYS[4], item) == 1 then
    return {'UNAVAILABLE', item}
  end
end
for i = 0, changes - 1 do
  local item, delta = ARGV[10 + i * 2], tonumber(ARGV[11 + i * 2])
  local left = redis.call('HGET', KEYS[3], item)
  if delta > 0 and left and tonumber(left) < delta then
    return {'SHORT', item, left, tostring(delta)}
  end
end
local topics = {'order-events'}
for i = 0, changes - 1 do
  local item, delta = ARGV[10 + i * 2], tonumber(ARGV[11 + i * 2])
  local before = redis.call('HGET', KEYS[3], item)
  if before then
    local after = redis.call('HINCRBY', KEYS[3], item, -delta)
    if after <= 0 then
      redis.call('SADD', KEYS[4], item)
    elseif tonumber(before) <= 0 then
      redis.call('SREM', KEYS[4], item)
    end
    redis.call('XADD', KEYS[5], 'MINID', '~', ARGV[2], '*', 'item', item)
    topics[1] = 'order-events,menu'
  end
end
redis.call('HSET', KEYS[1], 'body', ARGV[5], 'version', tonumber(ARGV[4]) + 1, 'updated', ARGV[1])
if ARGV[8] ~= '' then
  redis.call('HSET', KEYS[1], 'round:' .. ARGV[8], '1')
end
local status = o[1]
if o[4] == '1' then
  redis.call('HSET', KEYS[1], 'tickets', ARGV[6], 'cooking', ARGV[7])
  local base = 10 + changes * 2
  local n = ticket_count(6)
  local newHeld = {}
  for i = 0, n - 1 do
    local tkey, open, events, allday = ticket_keys(6, i)
    local a = base + i * 7
    local tid, station, body, course, action, grew, suffix = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6]
    if i == n - 1 then
      -- Expo's ticket is last, after every station ticket's state is set: it shows their progress.
      redis.call('HSET', tkey, 'progress', expo_progress(KEYS[1]))
    end
    local state = redis.call('HGET', tkey, 'status')
    local courseState = redis.call('HGET', KEYS[1], 'c:' .. course)
    if not courseState then
      courseState = 'HELD'
      if course == '1' then
        courseState = 'FIRED'
      end
      redis.call('HSET', KEYS[1], 'c:' .. course, courseState)
      if courseState == 'HELD' then
        table.insert(newHeld, course)
      end
    end
    if i == n - 1 and #newHeld > 0 then
      -- Expo's ticket is last: it shows the new held courses.
      local held = split(redis.call('HGET', tkey, 'held'))
      for _, c in ipairs(newHeld) do
        table.insert(held, c)
      end
      redis.call('HSET', tkey, 'held', table.concat(held, ','))
    end
    if not state then
      if action ~= 'void' then
        local newState = 'HELD'
        if courseState == 'FIRED' then
          newState = 'OPEN'
        end
        local score = ticket_score(ARGV[1], o[5] or '0')
        redis.call('HSET', tkey, 'id', tid, 'order', o[3], 'station', station, 'status', newState, 'body', body,
          'created', ARGV[1], 'score', score, 'rush', o[5] or '0', 'course', course)
        if newState == 'OPEN' then
          redis.call('HSET', KEYS[1], 'f:' .. suffix, ARGV[1])
          ticket_open(tkey, open, events, allday, score, ARGV[1], ARGV[2])
          table.insert(topics, station)
        end
        redis.call('HSET', KEYS[1], 't:' .. suffix, newState)
      end
    elseif state == 'OPEN' then
      allday_apply(allday, redis.call('HGET', tkey, 'body'), -1)
      redis.call('HSET', tkey, 'body', body)
      if action == 'void' then
        redis.call('HSET', tkey, 'status', 'VOIDED')
        redis.call('ZREM', open, tid)
        redis.call('HSET', KEYS[1], 't:' .. suffix, 'VOIDED')
      else
        allday_apply(allday, body, 1)
      end
      ticket_event(events, tkey, 'updated', ARGV[2], allday)
      table.insert(topics, station)
    elseif state == 'BUMPED' and grew == '1' and action ~= 'void' then
      -- New items for a ticket already bumped: it comes back to the screen.
      redis.call('HSET', tkey, 'body', body, 'status', 'OPEN')
      redis.call('HDEL', tkey, 'bumped')
      redis.call('PERSIST', tkey)
      redis.call('ZADD', open, redis.call('HGET', tkey, 'score'), tid)
      allday_apply(allday, body, 1)
      ticket_event(events, tkey, 'added', ARGV[2], allday)
      redis.call('HSET', KEYS[1], 't:' .. suffix, 'OPEN')
      redis.call('HDEL', KEYS[1], 'b:' .. suffix)
      table.insert(topics, station)
    elseif state == 'VOIDED' and grew == '1' and action ~= 'void' then
      -- New items for a station whose ticket was voided: the ticket comes back, on the screen when
      -- its course is fired, held with its course otherwise.
      redis.call('HSET', tkey, 'body', body)
      redis.call('PERSIST', tkey)
      if courseState == 'FIRED' then
        redis.call('HSET', KEYS[1], 'f:' .. suffix, ARGV[1], 't:' .. suffix, 'OPEN')
        ticket_open(tkey, open, events, allday, redis.call('HGET', tkey, 'score'), ARGV[1], ARGV[2])
        table.insert(topics, station)
      else
        redis.call('HSET', tkey, 'status', 'HELD')
        redis.call('HSET', KEYS[1], 't:' .. suffix, 'HELD')
      end
    else
      redis.call('HSET', tkey, 'body', body)
      if action == 'void' and state == 'HELD' then
        redis.call('HSET', tkey, 'status', 'VOIDED')
        redis.call('HSET', KEYS[1], 't:' .. suffix, 'VOIDED')
      end
    end
  end
  status = settle_order(KEYS[1], ARGV[7], o[1], ARGV[1])
end
redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 'order', o[3], 'status', status, 'at', ARGV[1])
ring(ARGV[3], table.concat(topics, ','))
return {'OK'}
