-- Balances a station's open tickets over its live screens: each ticket with no live screen (new, or
-- its screen away past the timeout) goes to the live screen with the fewest open items, oldest
-- ticket first, and an 'assigned' event tells the screens. No ticket is left on no screen while any
-- screen is live.
-- KEYS: 1 station open set, 2 station screens (screen -> last seen ms), 3 station events, then each
--       open ticket, in the open set's order
-- ARGV: 1 now ms, 2 trim min id, 3 bell channel, 4 station, 5 screen timeout ms, 6 the open ticket
--       ids csv the caller read (any change meanwhile, even one bumped and one added: read again)
if table.concat(redis.call('ZRANGE', KEYS[1], 0, -1), ',') ~= ARGV[6] then
  return -1
end
local now, timeout = tonumber(ARGV[1]), tonumber(ARGV[5])
local load, live = {}, {}
local flat = redis.call('HGETALL', KEYS[2])
for i = 1, #flat, 2 do
  local seen = tonumber(flat[i + 1])
  if seen >= now - timeout then
    load[flat[i]] = 0
    table.insert(live, flat[i])
  elseif seen < now - 86400000 then
    redis.call('HDEL', KEYS[2], flat[i])
  end
end
if #live == 0 then
  return 0
end
table.sort(live)
local tickets = {}
for i = 4, #KEYS do
  local t = redis.call('HMGET', KEYS[i], 'status', 'screen', 'body')
  if t[1] == 'OPEN' then
    local items = ticket_items(t[3])
    table.insert(tickets, {key = KEYS[i], screen = t[2] or '', items = items})
    if load[t[2] or ''] then
      load[t[2]] = load[t[2]] + items
    end
  end
end
local moved = 0
for _, t in ipairs(tickets) do
  if not load[t.screen] then
    local best = live[1]
    for _, s in ipairs(live) do
      if load[s] < load[best] then
        best = s
      end
    end
    redis.call('HSET', t.key, 'screen', best)
    load[best] = load[best] + t.items
    local id = redis.call('HGET', t.key, 'id')
    local v = ticket_view(t.key)
    redis.call('XADD', KEYS[3], 'MINID', '~', ARGV[2], '*', 'kind', 'assigned', 'ticket', id, 'status', v[1], 'body', v[2],
      'rush', v[3], 'fired', v[4], 'held', v[5], 'bumped', v[6], 'progress', v[7], 'screen', v[8], 'from', t.screen)
    moved = moved + 1
  end
end
if moved > 0 then
  ring(ARGV[3], ARGV[4])
end
return moved
