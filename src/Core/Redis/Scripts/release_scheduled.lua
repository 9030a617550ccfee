-- Sends orders placed for later to the kitchen's queue once their time has come. An order no longer
-- in the scheduled set (released by another worker, cancelled, or still awaiting acceptance) is left
-- alone, so each is queued once.
-- KEYS: 1 scheduled, 2 order queue, then each order's key
-- ARGV: 1 now ms, 2 bell channel, then each order's id (in the KEYS' order)
local released = 0
for i = 3, #KEYS do
  local id = ARGV[i]
  local due = redis.call('ZSCORE', KEYS[1], id)
  if due and tonumber(due) <= tonumber(ARGV[1]) then
    redis.call('ZREM', KEYS[1], id)
    local o = redis.call('HMGET', KEYS[i], 'status', 'routed')
    if o[1] == 'ACCEPTED' and not o[2] then
      redis.call('XADD', KEYS[2], '*', 'order', id)
      released = released + 1
    end
  end
end
if released > 0 then
  ring(ARGV[2], 'orders')
end
return {'OK', released}
