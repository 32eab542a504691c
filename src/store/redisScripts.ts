// Lua scripts: each runs atomically inside one hash slot.

/**
 * Applies the updates of one source (topic/partition) to one or more key groups. Per group, offsets
 * at or below the group's watermark are skipped; updates to the same member are combined first (one
 * write per member); then each touched sorted set is trimmed to its bound (the lowest scores fall off).
 * KEYS: each group's watermark hash followed by its sorted sets.
 * ARGV[1] source; ARGV[i + 1] the role of KEYS[i]: 'w' a watermark (its sorted sets follow it), or
 * a sorted set's mode and bound ('i' adds values, 'm' keeps the largest), e.g. 'i200';
 * ARGV[#KEYS + 2] the updates as one flat JSON array (offset, keyIndex, member, value, offset, ...),
 * decoded by the cjson library Redis embeds: far cheaper than parsing them in Lua.
 */
export const APPLY_DELTAS = `
local groupOf, marks, tops, keepsMax = {}, {}, {}, {}
local group
for i = 1, #KEYS do
  if ARGV[i + 1] == 'w' then
    group = i
    marks[i] = tonumber(redis.call('HGET', KEYS[i], ARGV[1]) or '-1')
    tops[i] = marks[i]
  else
    groupOf[i] = group
    keepsMax[i] = string.byte(ARGV[i + 1], 1) == 109 -- 'm'
  end
end
local pending = {}
local ops = cjson.decode(ARGV[#KEYS + 2])
for o = 1, #ops, 4 do
  local offset, index, member, v = ops[o], ops[o + 1], ops[o + 2], ops[o + 3]
  local g = groupOf[index]
  if offset > marks[g] then
    local byMember = pending[index]
    if not byMember then
      byMember = {}
      pending[index] = byMember
    end
    local old = byMember[member]
    if keepsMax[index] then
      if not old or v > old then byMember[member] = v end
    else
      byMember[member] = (old or 0) + v
    end
    if offset > tops[g] then tops[g] = offset end
  end
end
for index, byMember in pairs(pending) do
  local key = KEYS[index]
  if keepsMax[index] then
    for member, v in pairs(byMember) do redis.call('ZADD', key, 'GT', v, member) end
  else
    for member, v in pairs(byMember) do redis.call('ZINCRBY', key, v, member) end
  end
  local bound = tonumber(string.sub(ARGV[index + 1], 2))
  if redis.call('ZCARD', key) > bound * 1.25 then
    redis.call('ZREMRANGEBYRANK', key, 0, -(bound + 1))
  end
end
for g, top in pairs(tops) do
  if top > marks[g] then redis.call('HSET', KEYS[g], ARGV[1], top) end
end
return 1
`;

/**
 * Stores a user's list as a new version when its signature differs, and publishes it (the version: see below).
 * KEYS: recs, signature, version, saved, listed. ARGV: signature, userId JSON, generatedAt, strategy JSON,
 * arm JSON, items JSON, channel, receivedAt (ISO, or '' for none), basis ('' for none), then
 * '1' when the write is conditional on the basis. Returns {status, document}: status 1 stored a
 * new version, 0 unchanged, 2 superseded (computed from an older state than the newest saved or
 * listed one: nothing written).
 */
export const PUT_RECS = `
if ARGV[10] == '1' then
  local expected = redis.call('GET', KEYS[4]) or redis.call('GET', KEYS[5])
  if expected and expected ~= ARGV[9] then
    return {2, redis.call('GET', KEYS[1])}
  end
  redis.call('SET', KEYS[5], ARGV[9])
  redis.call('DEL', KEYS[4])
end
if redis.call('GET', KEYS[2]) == ARGV[1] then
  return {0, redis.call('GET', KEYS[1])}
end
-- Versions are ms timestamps from Redis's clock, or the previous version + 1 when that is higher:
-- they grow while the key lives, and a list stored after the key was lost (FLUSHALL, a restart
-- without persistence) still compares higher than any version a subscriber saw before.
local now = redis.call('TIME')
local version = math.max(tonumber(redis.call('GET', KEYS[3]) or '0') + 1, tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
version = string.format('%.0f', version)
redis.call('SET', KEYS[3], version)
local doc = '{"userId":' .. ARGV[2] .. ',"version":' .. version .. ',"generatedAt":"' .. ARGV[3] ..
  '","strategy":' .. ARGV[4] .. ',"arm":' .. ARGV[5] .. ',"items":' .. ARGV[6]
if ARGV[8] and ARGV[8] ~= '' then doc = doc .. ',"receivedAt":"' .. ARGV[8] .. '"' end
if ARGV[11] and ARGV[11] ~= '' then doc = doc .. ',"flags":"' .. ARGV[11] .. '"' end
doc = doc .. '}'
redis.call('SET', KEYS[1], doc)
redis.call('SET', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[7], doc)
return {1, doc}
`;
