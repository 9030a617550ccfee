-- Shared by every script (prepended when the scripts are loaded).

-- Adds (sign 1) or takes away (sign -1) a ticket's items in its station's all-day counts.
local function allday_apply(key, body, sign)
  local ok, ticket = pcall(cjson.decode, body)
  if not ok then
    return
  end
  for _, item in ipairs(ticket.items or {}) do
    local left = redis.call('HINCRBY', key, item.name, sign * item.quantity)
    if left <= 0 then
      redis.call('HDEL', key, item.name)
    end
  end
end

-- Puts a station's all-day counts as they stand now on its event stream.
local function allday_event(events, key, minid)
  local flat = redis.call('HGETALL', key)
  local counts = {}
  for i = 1, #flat, 2 do
    counts[flat[i]] = tonumber(flat[i + 1])
  end
  local json = '{}'
  if #flat > 0 then
    json = cjson.encode(counts)
  end
  redis.call('XADD', events, 'MINID', '~', minid, '*', 'kind', 'allday', 'counts', json)
end
