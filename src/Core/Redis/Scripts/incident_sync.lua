-- Brings a location's open incidents in line with the causes found now: a cause not yet open opens an
-- incident (raised once however often it is found), an open one no longer found resolves. Each change
-- is an entry of the incident history (KEYS[2], trimmed to the retention) with the incident's state as
-- JSON; the open ones are also kept by cause (KEYS[1]). An opened entry's id is the incident's id.
-- Each looker answers for its own causes: only open causes starting with the scope (any, when empty)
-- and not with the foreign prefix (none, when empty) are resolved here.
-- KEYS: 1 open incidents (cause -> json), 2 incident history
-- ARGV: 1 now ms, 2 trim min id, 3 bell channel, 4 scope, 5 foreign prefix, 6 cause count n, then per
--       cause: cause, kind, severity, station, ticket, order, screen, message
local now = tonumber(ARGV[1])
local scope, foreign = ARGV[4], ARGV[5]
local n = tonumber(ARGV[6])
local found = {}
local opened, resolved = 0, 0
for i = 0, n - 1 do
  local b = 7 + i * 8
  local cause = ARGV[b]
  found[cause] = true
  if redis.call('HEXISTS', KEYS[1], cause) == 0 then
    local incident = {cause = cause, kind = ARGV[b + 1], severity = ARGV[b + 2], station = ARGV[b + 3], ticket = ARGV[b + 4],
      order = ARGV[b + 5], screen = ARGV[b + 6], message = ARGV[b + 7], opened = now}
    local id = redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 'change', 'opened', 'body', cjson.encode(incident))
    incident.id = id
    redis.call('HSET', KEYS[1], cause, cjson.encode(incident))
    opened = opened + 1
  end
end
local open = redis.call('HGETALL', KEYS[1])
for i = 1, #open, 2 do
  local cause = open[i]
  local mine = string.sub(cause, 1, #scope) == scope and (foreign == '' or string.sub(cause, 1, #foreign) ~= foreign)
  if mine and not found[cause] then
    local incident = cjson.decode(open[i + 1])
    incident.resolved = now
    redis.call('HDEL', KEYS[1], open[i])
    redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 'change', 'resolved', 'incident', incident.id, 'body', cjson.encode(incident))
    resolved = resolved + 1
  end
end
if opened + resolved > 0 then
  ring(ARGV[3], 'incidents')
end
return {'OK', opened, resolved}
