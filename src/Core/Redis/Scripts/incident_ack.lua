-- A manager acknowledges an open incident: who and when are kept, once (a second tap changes
-- nothing). An incident no longer open answers MISSING, and the caller reads it from the history.
-- KEYS: 1 open incidents (cause -> json), 2 incident history
-- ARGV: 1 now ms, 2 trim min id, 3 bell channel, 4 incident id, 5 who
local open = redis.call('HGETALL', KEYS[1])
for i = 1, #open, 2 do
  local incident = cjson.decode(open[i + 1])
  if incident.id == ARGV[4] then
    if incident.ack_by and incident.ack_by ~= '' then
      return {'NOOP', open[i + 1]}
    end
    incident.ack_by = ARGV[5]
    incident.ack_at = tonumber(ARGV[1])
    local body = cjson.encode(incident)
    redis.call('HSET', KEYS[1], open[i], body)
    redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 'change', 'acknowledged', 'incident', incident.id, 'body', body)
    ring(ARGV[3], 'incidents')
    return {'OK', body}
  end
end
return {'MISSING'}
