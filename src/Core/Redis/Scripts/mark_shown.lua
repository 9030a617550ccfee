-- Notes when a screen first showed tickets: the POS's receipt for each, and expo's "cooking" rather
-- than "waiting". Only the first screen's showing of a ticket counts. One call takes every ticket a
-- screen was just sent, so a burst costs one script, not one per ticket.
-- KEYS: 1 order events, 2 expo's station events, then per ticket: ticket, its order, expo's ticket of the order
-- ARGV: 1 now ms, 2 trim min id, 3 bell channel, then per ticket its suffix (the id after the order's)
-- Returns how many tickets were shown for the first time.
local n = (#KEYS - 2) / 3
local shown = 0
local expo_changed = false
local expo = nil
-- The orders whose receipts changed, each told to the POS once however many of its tickets were shown.
-- Expo's own ticket is in no receipt: its showing tells the POS nothing.
local changed, statuses = {}, {}
for i = 0, n - 1 do
  local tkey, okey, ekey = KEYS[3 + i * 3], KEYS[4 + i * 3], KEYS[5 + i * 3]
  if redis.call('EXISTS', tkey) == 1 and redis.call('HSETNX', tkey, 'shown', ARGV[1]) == 1 then
    shown = shown + 1
    local station = redis.call('HGET', tkey, 'station')
    local o = redis.call('HMGET', okey, 'status', 'id', 'expo')
    if o[1] then
      expo = o[3]
      if station ~= o[3] then
        redis.call('HSET', okey, 's:' .. ARGV[4 + i], ARGV[1])
        if expo_refresh(okey, ekey, KEYS[2], ARGV[2]) then
          expo_changed = true
        end
        if not statuses[o[2]] then
          table.insert(changed, o[2])
        end
        statuses[o[2]] = o[1]
      end
    end
  end
end
for _, id in ipairs(changed) do
  redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[2], '*', 'order', id, 'status', statuses[id], 'at', ARGV[1])
end
local topics = {}
if #changed > 0 then
  table.insert(topics, 'order-events')
end
if expo_changed then
  table.insert(topics, expo)
end
if #topics > 0 then
  ring(ARGV[3], table.concat(topics, ','))
end
return shown
