-- A station's snapshot in one atomic read: the token of this moment (the last entry of its event
-- stream), its all-day counts, and the view of every open ticket, so no body can be newer than the
-- token (an amend rewrites bodies).
-- KEYS: 1 station open set, 2 station events, 3 station all-day counts
-- ARGV: 1 the location's ticket key prefix (same hash tag, so the same slot as the KEYS)
-- Returns: token, all-day counts (flat), then per ticket its TICKET_VIEW fields as ticket_view gives them.
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local token = '0-0'
if #last > 0 then
  token = last[1][1]
end
local views = {}
for _, id in ipairs(ids) do
  local v = ticket_view(ARGV[1] .. id)
  if v[2] ~= '' then
    for i = 1, 8 do
      table.insert(views, v[i])
    end
  end
end
return {token, redis.call('HGETALL', KEYS[3]), views}
