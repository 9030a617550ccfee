-- Shared by every script (prepended when the scripts are loaded, after the lines that set
-- BELL_COMMAND: SPUBLISH, sharded pub/sub, where the server has it; PUBLISH otherwise; and
-- TICKET_VIEW: the ticket fields a caller reads to show a ticket, named once in the store's TicketView).

-- Rings a location's bell: the channel carries the location's hash tag, so with sharded pub/sub the
-- message stays on the shard that holds the location.
local function ring(channel, topics)
  redis.call(BELL_COMMAND, channel, topics)
end

-- Adds (sign 1) or takes away (sign -1) a ticket's items in its station's all-day counts. Screens
-- never see a count below zero, but a count that would have gone negative is an undercount somewhere:
-- it is tallied per item beside the counts (the all-day key with ':undercounts', same hash tag, so
-- the same slot) and written to the Redis log, so tests and operators see it instead of a silent floor.
local function allday_apply(key, body, sign)
  local ok, ticket = pcall(cjson.decode, body)
  if not ok then
    return
  end
  for _, item in ipairs(ticket.items or {}) do
    if not item.voided then
      local left = redis.call('HINCRBY', key, item.name, sign * item.quantity)
      if left <= 0 then
        redis.call('HDEL', key, item.name)
      end
      if left < 0 then
        redis.call('HINCRBY', key .. ':undercounts', item.name, -left)
        redis.log(redis.LOG_WARNING, 'restaurant: all-day count of ' .. item.name .. ' in ' .. key .. ' would have gone to ' .. left)
      end
    end
  end
end

-- A station's all-day counts as they stand now, as JSON.
local function allday_json(key)
  local flat = redis.call('HGETALL', key)
  local counts = {}
  for i = 1, #flat, 2 do
    counts[flat[i]] = tonumber(flat[i + 1])
  end
  if #flat == 0 then
    return '{}'
  end
  return cjson.encode(counts)
end

-- What a caller needs to show a ticket: the TICKET_VIEW fields in their order (status, body, rush,
-- fired, held courses, bumped, on expo's ticket each station ticket's progress, and at a balanced
-- station the screen it is assigned to). Missing fields come back as '' (a nil would cut a Lua array short).
local function ticket_view(key)
  local v = redis.call('HMGET', key, unpack(TICKET_VIEW))
  for i = 1, #TICKET_VIEW do
    if not v[i] then
      v[i] = ''
    end
  end
  return v
end

-- Puts a ticket as it stands now on its station's event stream. With the station's all-day key, the
-- counts as they now stand ride on the same entry: a screen gets them as an all_day event just before
-- the ticket's, from one stream entry. A slim entry (a change of state only: expo's progress, a bump)
-- leaves the body out; the reader has it from the ticket's earlier entries, or from the ticket. Every
-- entry names its body's version ('bv', from the body's digest), so a reader uses a body it kept only
-- when it is the one the entry means (a ticket changed by a round or a void has a new one).
local function ticket_event(events, key, kind, minid, allday, slim)
  local id = redis.call('HGET', key, 'id')
  local v = ticket_view(key)
  local fields = {'kind', kind, 'ticket', id}
  for i, name in ipairs(TICKET_VIEW) do
    if name == 'body' then
      table.insert(fields, 'bv')
      table.insert(fields, string.sub(redis.sha1hex(v[i]), 1, 12))
    end
    if not (slim and name == 'body') and v[i] ~= '' then
      table.insert(fields, name)
      table.insert(fields, v[i])
    end
  end
  if allday then
    table.insert(fields, 'allday')
    table.insert(fields, allday_json(allday))
  end
  redis.call('XADD', events, 'MINID', '~', minid, '*', unpack(fields))
end

-- Fires a ticket to its station: open, in the open set and the all-day counts, an 'added' event.
local function ticket_open(tkey, open, events, allday, score, now, minid)
  redis.call('HSET', tkey, 'status', 'OPEN', 'fired', now)
  redis.call('ZADD', open, score, redis.call('HGET', tkey, 'id'))
  allday_apply(allday, redis.call('HGET', tkey, 'body'), 1)
  ticket_event(events, tkey, 'added', minid, allday)
end

-- How many items a ticket asks a cook to make (voided ones aside).
local function ticket_items(body)
  local ok, ticket = pcall(cjson.decode, body)
  if not ok then
    return 0
  end
  local n = 0
  for _, item in ipairs(ticket.items or {}) do
    if not item.voided then
      n = n + item.quantity
    end
  end
  return n
end

-- The course a ticket suffix names: 'grill' is course 1, 'grill:2' course 2.
local function course_of(suffix)
  local c = string.match(suffix, ':(%d+)$')
  return tonumber(c or '1')
end

-- An order's fields, status first and then those named, read at the top of a script that changes an
-- open order. Instead of the fields, the refusal to answer comes back when there is no such order
-- ({'NOT_FOUND'}) or it is completed or cancelled ({'FINISHED', status}).
local function read_open_order(key, ...)
  local o = redis.call('HMGET', key, 'status', ...)
  if not o[1] then
    return nil, {'NOT_FOUND'}
  end
  if o[1] == 'COMPLETED' or o[1] == 'CANCELLED' then
    return nil, {'FINISHED', o[1]}
  end
  return o
end

-- The tickets handed to a script from KEYS[first] on, four keys each (the order the store's
-- AddTicketKeys gives them): how many there are, and the i-th's (from 0) ticket, station open set,
-- station events and station all-day counts.
local function ticket_count(first)
  return (#KEYS - first + 1) / 4
end

local function ticket_keys(first, i)
  local k = first + i * 4
  return KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
end

local function split(csv)
  local out = {}
  for part in string.gmatch(csv or '', '[^,]+') do
    table.insert(out, part)
  end
  return out
end

-- Rush tickets sort ahead of every other open ticket, oldest rush first.
local function ticket_score(created, rush)
  local score = tonumber(created)
  if rush == '1' then
    score = score - 10000000000000
  end
  return score
end

-- After tickets changed: READY when no cooking ticket is open or held, IN_KITCHEN again when one is.
-- Returns the order's status as it now stands.
local function settle_order(order, cooking_csv, status, now)
  if status ~= 'IN_KITCHEN' and status ~= 'READY' then
    return status
  end
  local busy = false
  for _, s in ipairs(split(cooking_csv)) do
    local state = redis.call('HGET', order, 't:' .. s)
    if state == 'OPEN' or state == 'HELD' then
      busy = true
      break
    end
  end
  local settled = status
  if busy and status == 'READY' then
    settled = 'IN_KITCHEN'
  elseif (not busy) and status == 'IN_KITCHEN' then
    settled = 'READY'
  end
  if settled ~= status then
    redis.call('HSET', order, 'status', settled, 'updated', now)
  end
  return settled
end

-- Each cooking ticket's progress as expo sees it, "grill=COOKING,fryer=WAITING,grill:2=HELD", from the
-- order's ticket states (t:) and the times a screen first showed them (s:).
local function expo_progress(order)
  local out = {}
  for _, s in ipairs(split(redis.call('HGET', order, 'cooking'))) do
    local state = redis.call('HGET', order, 't:' .. s) or 'HELD'
    if state == 'OPEN' then
      if redis.call('HEXISTS', order, 's:' .. s) == 1 then
        state = 'COOKING'
      else
        state = 'WAITING'
      end
    end
    table.insert(out, s .. '=' .. state)
  end
  return table.concat(out, ',')
end

-- Brings expo's ticket up to date with the stations' progress; an open one is sent to expo again.
-- Returns true when an event went out.
local function expo_refresh(order, expo_ticket, expo_events, minid)
  if redis.call('EXISTS', expo_ticket) == 0 then
    return false
  end
  redis.call('HSET', expo_ticket, 'progress', expo_progress(order))
  if redis.call('HGET', expo_ticket, 'status') == 'OPEN' then
    ticket_event(expo_events, expo_ticket, 'updated', minid, nil, true)
    return true
  end
  return false
end
