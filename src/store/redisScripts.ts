// Lua scripts: each runs atomically inside one hash slot.

/**
 * Applies one key group's updates from one source (topic/partition), skipping offsets at or below the
 * group's watermark, then trims each touched sorted set to its bound (the lowest scores fall off).
 * KEYS[1] watermark hash; KEYS[2..] sorted sets.
 * ARGV: source (topic/partition), opCount, then one bound per sorted set (KEYS[2..] in order), then
 * per op: offset, keyIndex (1-based into KEYS), member, value, mode ('i' adds the value, 'm' keeps
 * the larger of the stored score and the value).
 */
export const APPLY_DELTAS = `
local mark = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
local top = mark
local n = tonumber(ARGV[2])
local first = 3 + #KEYS - 1
local touched = {}
for i = 0, n - 1 do
  local base = first + i * 5
  local offset = tonumber(ARGV[base])
  if offset > mark then
    local index = tonumber(ARGV[base + 1])
    local key = KEYS[index]
    if ARGV[base + 4] == 'm' then
      redis.call('ZADD', key, 'GT', ARGV[base + 3], ARGV[base + 2])
    else
      redis.call('ZINCRBY', key, ARGV[base + 3], ARGV[base + 2])
    end
    touched[index] = true
    if offset > top then top = offset end
  end
end
for index in pairs(touched) do
  local bound = tonumber(ARGV[2 + index - 1])
  if redis.call('ZCARD', KEYS[index]) > bound * 1.25 then
    redis.call('ZREMRANGEBYRANK', KEYS[index], 0, -(bound + 1))
  end
end
if top > mark then redis.call('HSET', KEYS[1], ARGV[1], top) end
return top
`;

/**
 * Stores a user's list as a new version when its signature differs, and publishes it.
 * KEYS: recs, signature, version. ARGV: signature, userId JSON, generatedAt, strategy JSON,
 * arm JSON, items JSON, channel, receivedAt (ISO, or '' for none). Returns {changed (0/1), document}.
 */
export const PUT_RECS = `
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
