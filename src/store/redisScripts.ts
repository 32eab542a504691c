// Lua scripts: each runs atomically inside one hash slot.

/**
 * Applies the updates of one source (topic/partition) to one or more key groups. Per group, offsets
 * at or below the group's watermark are skipped; updates to the same member are combined first (one
 * write per member); then each touched sorted set is trimmed to its bound (the lowest scores fall off).
 * Forward-decayed sets keep their own frame (src/recommend/decay.ts: keep the two in step) in their
 * group's watermark hash, field 'frame:<key>' = '<epoch>:<half-life hours>': before the batch's
 * values are added, a set moves to the later frame of its own and the batch's (scores times a
 * power of two, exact), or takes a new half-life (scores times one factor below 2).
 * KEYS: each group's watermark hash followed by its sorted sets.
 * ARGV[1] source; ARGV[2] and ARGV[3] the batch's frame, epoch and half-life (hours), the frame its
 * decayed values are in; ARGV[4] the old global landmark (ms) that sets written before frames
 * existed are relative to, or ''; ARGV[i + 4] the role of KEYS[i]: 'w' a watermark (its sorted sets
 * follow it), or a sorted set's mode and bound ('i' adds decayed values, 'm' keeps the largest),
 * e.g. 'i200'; ARGV[#KEYS + 5] the updates as one flat JSON array (offset, keyIndex, member, value,
 * offset, ...), decoded by the cjson library Redis embeds: far cheaper than parsing them in Lua;
 * ARGV[#KEYS + 6] the retention (ms): every sorted set written, and every watermark raised, expires
 * that long after this write (a statistic nobody wrote for the retention goes).
 */
export const APPLY_DELTAS = `
local groupOf, marks, tops, keepsMax = {}, {}, {}, {}
local group
for i = 1, #KEYS do
  if ARGV[i + 4] == 'w' then
    group = i
    marks[i] = tonumber(redis.call('HGET', KEYS[i], ARGV[1]) or '-1')
    tops[i] = marks[i]
  else
    groupOf[i] = group
    keepsMax[i] = string.byte(ARGV[i + 4], 1) == 109 -- 'm'
  end
end
local pending = {}
local ops = cjson.decode(ARGV[#KEYS + 5])
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
-- Multiplies every score of a set by factor (> 0: the order stays); one that underflows to 0 goes.
local function scale(key, factor)
  local flat = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  for j = 1, #flat, 2 do
    local old = tonumber(flat[j + 1])
    local new = old * factor
    if new == 0 and old ~= 0 then redis.call('ZREM', key, flat[j]) else redis.call('ZADD', key, new, flat[j]) end
  end
end
local HOUR_MS = 3600000
local batchEpoch, batchHalfLife, legacy = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
-- Moves a decayed set to the batch's frame (or keeps its own later one); returns the shift that
-- brings the batch's values into the set's frame.
local function enterFrame(key, hash)
  local field = 'frame:' .. key
  local stored = redis.call('HGET', hash, field)
  local epoch, halfLife, factor = batchEpoch, batchHalfLife, 1
  if not stored then
    if legacy and redis.call('EXISTS', key) == 1 then
      factor = 2 ^ (legacy / (tonumber(halfLife) * HOUR_MS) - epoch)
    end
  else
    local sep = string.find(stored, ':', 1, true)
    local e, h = tonumber(string.sub(stored, 1, sep - 1)), string.sub(stored, sep + 1)
    if h == halfLife then
      if e >= epoch then epoch = e else factor = 2 ^ (e - epoch) end
    else
      local oldMs, newMs = tonumber(h) * HOUR_MS, tonumber(halfLife) * HOUR_MS
      local reference = math.max(epoch * newMs, e * oldMs)
      epoch = math.floor(reference / newMs)
      factor = 2 ^ (e - reference / oldMs + (reference / newMs - epoch))
    end
  end
  if factor ~= 1 then scale(key, factor) end
  local frame = string.format('%d', epoch) .. ':' .. halfLife
  if frame ~= stored then redis.call('HSET', hash, field, frame) end
  return batchEpoch - epoch
end
for index, byMember in pairs(pending) do
  local key = KEYS[index]
  if keepsMax[index] then
    for member, v in pairs(byMember) do redis.call('ZADD', key, 'GT', v, member) end
  else
    local shift = enterFrame(key, KEYS[groupOf[index]])
    local into = shift == 0 and 1 or 2 ^ shift
    for member, v in pairs(byMember) do redis.call('ZINCRBY', key, v * into, member) end
  end
  local bound = tonumber(string.sub(ARGV[index + 4], 2))
  if redis.call('ZCARD', key) > bound * 1.25 then
    redis.call('ZREMRANGEBYRANK', key, 0, -(bound + 1))
  end
end
local ttl = ARGV[#KEYS + 6]
for g, top in pairs(tops) do
  if top > marks[g] then
    redis.call('HSET', KEYS[g], ARGV[1], top)
    redis.call('PEXPIRE', KEYS[g], ttl)
  end
end
for index in pairs(pending) do redis.call('PEXPIRE', KEYS[index], ttl) end
return 1
`;

/**
 * Stores a user's list as a new version when its signature differs, and publishes it (the version: see below).
 * KEYS: recs, signature, version, saved, listed, state, recent. ARGV: signature, userId JSON,
 * generatedAt, strategy JSON, arm JSON, items JSON, channel, receivedAt (ISO, or '' for none), basis
 * ('' for none), '1' when the write is conditional on the basis, the flags stamp, the retention (ms),
 * the publish command: PUBLISH, or SPUBLISH on a Redis Cluster (allowed in scripts since Redis 7.0:
 * the channel carries the user's hash tag, so it is in the script's slot).
 * Returns {status, document}: status 1 stored a new version, 0 unchanged, 2 superseded (computed
 * from an older state than the newest saved or listed one: nothing written). Unless superseded,
 * every key of the user gets the retention from now as its expiry (as SAVE_USERS gives them).
 */
export const PUT_RECS = `
local function touch()
  for i = 1, 7 do redis.call('PEXPIRE', KEYS[i], ARGV[12]) end
end
if ARGV[10] == '1' then
  local expected = redis.call('GET', KEYS[4]) or redis.call('GET', KEYS[5])
  if expected and expected ~= ARGV[9] then
    return {2, redis.call('GET', KEYS[1])}
  end
  redis.call('SET', KEYS[5], ARGV[9])
  redis.call('DEL', KEYS[4])
end
if redis.call('GET', KEYS[2]) == ARGV[1] then
  touch()
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
touch()
redis.call(ARGV[13], ARGV[7], doc)
return {1, doc}
`;
