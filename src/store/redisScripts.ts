// Lua scripts: each runs atomically inside one hash slot.

/**
 * Applies one key group's updates from one source (topic/partition), skipping offsets at or below the
 * group's watermark; updates to the same member are combined first (one write per member), then each
 * touched sorted set is trimmed to its bound (the lowest scores fall off).
 * KEYS[1] watermark hash; KEYS[2..] sorted sets.
 * ARGV[1] source; ARGV[k] (k = 2..#KEYS) the mode and bound of KEYS[k]: 'i' adds values, 'm' keeps
 * the largest (e.g. 'i200'); ARGV[#KEYS + 1] the updates, one line each: "offset keyIndex member value\n"
 * (ids never hold spaces or newlines: they are printable ASCII without spaces).
 */
export const APPLY_DELTAS = `
local mark = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
local top = mark
local pending = {}
for offset, index, member, value in string.gmatch(ARGV[#KEYS + 1], '(%d+) (%d+) (%S+) (%S+)\\n') do
  offset = tonumber(offset)
  if offset > mark then
    index = tonumber(index)
    local byMember = pending[index]
    if not byMember then
      byMember = {}
      pending[index] = byMember
    end
    local v = tonumber(value)
    local old = byMember[member]
    if string.byte(ARGV[index], 1) == 109 then
      if not old or v > old then byMember[member] = v end
    else
      byMember[member] = (old or 0) + v
    end
    if offset > top then top = offset end
  end
end
for index, byMember in pairs(pending) do
  local key = KEYS[index]
  local spec = ARGV[index]
  if string.byte(spec, 1) == 109 then
    for member, v in pairs(byMember) do redis.call('ZADD', key, 'GT', v, member) end
  else
    for member, v in pairs(byMember) do redis.call('ZINCRBY', key, v, member) end
  end
  local bound = tonumber(string.sub(spec, 2))
  if redis.call('ZCARD', key) > bound * 1.25 then
    redis.call('ZREMRANGEBYRANK', key, 0, -(bound + 1))
  end
end
if top > mark then redis.call('HSET', KEYS[1], ARGV[1], top) end
return top
`;

/**
 * Stores a user's list as a new version when its signature differs, and publishes it.
 * KEYS: recs, signature, version, fresh. ARGV: signature, userId JSON, generatedAt, strategy JSON,
 * arm JSON, items JSON, channel, receivedAt (ISO, or '' for none), basis ('' for none), then
 * '1' when the write is conditional on the basis. Returns {status, document}: status 1 stored a
 * new version, 0 unchanged, 2 superseded (computed from an older state than the newest saved or
 * listed one: nothing written).
 */
export const PUT_RECS = `
if ARGV[10] == '1' then
  local expected = redis.call('HGET', KEYS[4], 'saved') or redis.call('HGET', KEYS[4], 'listed')
  if expected and expected ~= ARGV[9] then
    return {2, redis.call('GET', KEYS[1])}
  end
  redis.call('HSET', KEYS[4], 'listed', ARGV[9])
  redis.call('HDEL', KEYS[4], 'saved')
end
if redis.call('GET', KEYS[2]) == ARGV[1] then
  return {0, redis.call('GET', KEYS[1])}
end
local version = redis.call('INCR', KEYS[3])
local doc = '{"userId":' .. ARGV[2] .. ',"version":' .. version .. ',"generatedAt":"' .. ARGV[3] ..
  '","strategy":' .. ARGV[4] .. ',"arm":' .. ARGV[5] .. ',"items":' .. ARGV[6]
if ARGV[8] and ARGV[8] ~= '' then doc = doc .. ',"receivedAt":"' .. ARGV[8] .. '"' end
doc = doc .. '}'
redis.call('SET', KEYS[1], doc)
redis.call('SET', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[7], doc)
return {1, doc}
`;
