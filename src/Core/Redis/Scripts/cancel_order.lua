-- Cancels an order: its open tickets are voided on their stations (an 'updated' event with status
-- VOIDED, so screens strike them through), held ones quietly, and a not yet routed order will make
-- no tickets. Counted items go back to the count; one that had run out is available again. A deny is
-- a cancel of an order still awaiting acceptance (one accepted meanwhile answers FINISHED with its
-- status); an order waiting to be accepted or to fire leaves those sets. The reason is kept.
-- KEYS: 1 order, 2 order events, 3 counts, 4 86 set, 5 menu events, 6 awaiting acceptance,
--       7 scheduled, then per ticket: ticket, station open set, station events, station all-day counts
-- ARGV: 1 now ms, 2 trim min id, 3 bell channel, 4 retention ms, 5 the order's ticket ids csv and
--       6 its version, as the caller read them (a mismatch means it was routed or amended meanwhile,
--       so the quantities below may be stale: the caller reads again), 7 how many item/quantity pairs
--       follow, then the pairs, then the reason and 'deny' or 'cancel', and last the tickets' suffixes
--       csv (in the KEYS' order)
local o = redis.call('HMGET', KEYS[1], 'status', 'tickets', 'id', 'version')
if not o[1] then
  return {'NOT_FOUND'}
end
local returns = tonumber(ARGV[7])
local reason, mode = ARGV[8 + returns * 2], ARGV[9 + returns * 2]
if o[1] == 'CANCELLED' then
  return {'NOOP'}
end
if mode == 'deny' and o[1] ~= 'AWAITING_ACCEPTANCE' then
  return {'FINISHED', o[1]}
end
if o[1] == 'COMPLETED' then
  return {'COMPLETED'}
end
if (o[2] or '') ~= ARGV[5] or (o[4] or '0') ~= ARGV[6] then
  return {'RETRY'}
end
local topics = {'order-events'}
local returned = false
for i = 0, returns - 1 do
  local item, qty = ARGV[8 + i * 2], tonumber(ARGV[9 + i * 2])
  local before = redis.call('HGET', KEYS[3], item)
  if before then
    redis.call('HINCRBY', KEYS[3], item, qty)
    if tonumber(before) <= 0 then
      redis.call('SREM', KEYS[4], item)
    end
    redis.call('XADD', KEYS[5], 'MINID', '~', ARGV[2], '*', 'item', item)
    returned = true
  end
end
if returned then
  table.insert(topics, 'menu')
end
local suffixes = split(ARGV[#ARGV])
for i = 0, ticket_count(8) - 1 do
  local tkey, open, events, allday = ticket_keys(8, i)
  local t = redis.call('HMGET', tkey, 'status', 'body', 'id', 'station')
  if t[1] == 'OPEN' or t[1] == 'HELD' then
    redis.call('HSET', tkey, 'status', 'VOIDED')
    redis.call('HSET', KEYS[1], 't:' .. suffixes[i + 1], 'VOIDED')
  end
  if t[1] == 'OPEN' then
    redis.call('ZREM', open, t[3])
    allday_apply(allday, t[2], -1)
    ticket_event(events, tkey, 'updated', ARGV[2], allday)
    table.insert(topics, t[4])
  end
  if t[1] then
    redis.call('PEXPIRE', tkey, ARGV[4])
  end
end
redis.call('HSET', KEYS[1], 'status', 'CANCELLED', 'updated', ARGV[1])
if reason ~= '' then
  redis.call('HSET', KEYS[1], 'reason', reason)
end
redis.call('ZREM', KEYS[6], o[3])
redis.call('ZREM', KEYS[7], o[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 'order', o[3], 'status', 'CANCELLED', 'at', ARGV[1])
ring(ARGV[3], table.concat(topics, ','))
return {'CANCELLED'}
