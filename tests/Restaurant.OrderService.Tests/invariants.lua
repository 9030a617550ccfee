-- The kitchen's invariants at one moment, checked in one script (so nothing changes while it reads):
-- a station's all-day counts equal a recount of its open set, every ticket in an open set is OPEN and
-- of that station, every OPEN ticket of an order is in its station's open set, and no count ever
-- tried to go below zero.
-- KEYS: the orders to check
-- ARGV: 1 the location's key prefix ('rst:{loc}:'), then the station ids
-- Returns each problem found, in words (none: an empty list).
local problems = {}
local prefix = ARGV[1]
for s = 2, #ARGV do
  local station = ARGV[s]
  local recount = {}
  for _, id in ipairs(redis.call('ZRANGE', prefix .. 'open:' .. station, 0, -1)) do
    local t = redis.call('HMGET', prefix .. 'ticket:' .. id, 'status', 'body', 'station')
    if t[1] ~= 'OPEN' or t[3] ~= station then
      table.insert(problems, station .. ': ' .. id .. ' is in the open set but ' .. tostring(t[1]) .. ' at ' .. tostring(t[3]))
    end
    if t[2] then
      for _, item in ipairs(cjson.decode(t[2]).items or {}) do
        if not item.voided then
          recount[item.name] = (recount[item.name] or 0) + item.quantity
        end
      end
    end
  end
  local kept = {}
  local flat = redis.call('HGETALL', prefix .. 'allday:' .. station)
  for i = 1, #flat, 2 do
    kept[flat[i]] = tonumber(flat[i + 1])
  end
  for name, quantity in pairs(recount) do
    if kept[name] ~= quantity then
      table.insert(problems, station .. ': ' .. name .. ' kept ' .. tostring(kept[name]) .. ' but the open set holds ' .. quantity)
    end
  end
  for name, quantity in pairs(kept) do
    if not recount[name] then
      table.insert(problems, station .. ': ' .. name .. ' kept ' .. quantity .. ' but the open set holds none')
    end
  end
  local under = redis.call('HGETALL', prefix .. 'allday:' .. station .. ':undercounts')
  for i = 1, #under, 2 do
    table.insert(problems, station .. ': ' .. under[i] .. ' would have gone ' .. under[i + 1] .. ' below zero')
  end
end
for _, order in ipairs(KEYS) do
  for id in string.gmatch(redis.call('HGET', order, 'tickets') or '', '[^,]+') do
    local t = redis.call('HMGET', prefix .. 'ticket:' .. id, 'status', 'station')
    if t[1] == 'OPEN' and not redis.call('ZSCORE', prefix .. 'open:' .. t[2], id) then
      table.insert(problems, t[2] .. ': ' .. id .. ' is OPEN but not in the open set')
    end
  end
end
return problems
