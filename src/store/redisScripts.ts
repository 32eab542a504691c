// Lua scripts: each runs atomically inside one hash slot.

/**
 * Applies the updates of one source (topic/partition) to one or more key groups. Per group, offsets
 * at or below the group's watermark are skipped; updates to the same member are combined first (one
 * write per member); then a sorted set that may have outgrown its bound is trimmed (the lowest
 * scores fall off).
 * Per group one HMGET reads, and one HSET writes, everything the group's watermark hash keeps:
 * - the watermark per source (field: the source);
 * - per forward-decayed set its frame (src/recommend/decay.ts: keep the two in step), field
 *   'frame:<key>' = '<epoch>:<half-life hours>': before the batch's values are added, a set moves to
 *   the later frame of its own and the batch's (scores times a power of two, exact), or takes a new
 *   half-life (scores times one factor below 2);
 * - per set an upper bound of its size, field 'n:<key>' (the size last counted plus the members
 *   written since): ZCARD only runs when the bound passes 1.25 times the set's bound, not per write;
 * - per key the expiry (ms, Redis's clock) it was last given, fields 'x:<key>' and 'x' for the hash:
 *   PEXPIRE only runs when that is more than the slack short of the retention from now (see
 *   src/store/expirySlack.ts), or unknown. A set refreshed refreshes its hash too, so the hash never
 *   expires before its sets (a set whose fields are gone would be taken for a new one).
 * KEYS: each group's watermark hash followed by its sorted sets.
 * ARGV[1] source; ARGV[2] and ARGV[3] the batch's frame, epoch and half-life (hours), the frame its
 * decayed values are in; ARGV[4] the old global landmark (ms) that sets written before frames
 * existed are relative to, or ''; ARGV[i + 4] the role of KEYS[i]: 'w' a watermark (its sorted sets
 * follow it), or a sorted set's mode and bound ('i' adds decayed values, 'm' keeps the largest),
 * e.g. 'i200'; ARGV[#KEYS + 5] the updates as one flat JSON array (offset, keyIndex, member, value,
 * offset, ...), decoded by the cjson library Redis embeds: far cheaper than parsing them in Lua;
 * ARGV[#KEYS + 6] the retention (ms): a statistic nobody wrote for the retention goes;
 * ARGV[#KEYS + 7] the expiry slack (ms).
 */
export const APPLY_DELTAS = `
local groupOf, marks, tops, keepsMax, stored, sets = {}, {}, {}, {}, {}, {}
local group
for i = 1, #KEYS do
  if ARGV[i + 4] == 'w' then
    group = i
    sets[i] = {}
  else
    groupOf[i] = group
    keepsMax[i] = string.byte(ARGV[i + 4], 1) == 109 -- 'm'
    table.insert(sets[group], i)
  end
end
-- Lua's unpack takes at most ~8,000 values: a group with very many sets (trending, with a
-- category each) is read and written in slices of this many.
local SLICE = 3000
local function hmget(key, fields)
  local out = {}
  for from = 1, #fields, SLICE do
    local part = redis.call('HMGET', key, unpack(fields, from, math.min(from + SLICE - 1, #fields)))
    for j = 1, #part do out[from + j - 1] = part[j] end
  end
  return out
end
local function hset(key, pairsFlat)
  for from = 1, #pairsFlat, SLICE do
    redis.call('HSET', key, unpack(pairsFlat, from, math.min(from + SLICE - 1, #pairsFlat)))
  end
end
-- One read per group: the source's watermark, the hash's expiry, then per set its expiry, size bound and frame.
for g, members in pairs(sets) do
  local fields = {ARGV[1], 'x'}
  for _, i in ipairs(members) do
    local key = KEYS[i]
    table.insert(fields, 'x:' .. key)
    table.insert(fields, 'n:' .. key)
    table.insert(fields, 'frame:' .. key)
  end
  local values = hmget(KEYS[g], fields)
  marks[g] = tonumber(values[1] or '-1')
  tops[g] = marks[g]
  stored[g] = tonumber(values[2])
  for j, i in ipairs(members) do
    stored[i] = { x = tonumber(values[j * 3]), n = tonumber(values[j * 3 + 1]), frame = values[j * 3 + 2] }
  end
end
local pending, written = {}, {}
local ops = cjson.decode(ARGV[#KEYS + 5])
for o = 1, #ops, 4 do
  local offset, index, member, v = ops[o], ops[o + 1], ops[o + 2], ops[o + 3]
  local g = groupOf[index]
  if offset > marks[g] then
    local byMember = pending[index]
    if not byMember then
      byMember = {}
      pending[index] = byMember
      written[index] = 0
    end
    local old = byMember[member]
    if old == nil then written[index] = written[index] + 1 end
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
local changes = {} -- per group, the hash's fields to write
local function change(g, field, value)
  local list = changes[g]
  if not list then
    list = {}
    changes[g] = list
  end
  table.insert(list, field)
  table.insert(list, value)
end
-- Moves a decayed set to the batch's frame (or keeps its own later one); returns the shift that
-- brings the batch's values into the set's frame.
local function enterFrame(index)
  local key, stored = KEYS[index], stored[index].frame -- the outer table, read before this local exists
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
  if frame ~= stored then change(groupOf[index], 'frame:' .. key, frame) end
  return batchEpoch - epoch
end
local ttl, slack = tonumber(ARGV[#KEYS + 6]), tonumber(ARGV[#KEYS + 7])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local expiry = now + ttl
local expiryText = string.format('%d', expiry)
local stale = expiry - slack -- an expiry before this is refreshed
local refreshed = {} -- groups with a set refreshed: their hash is refreshed too
for index, byMember in pairs(pending) do
  local key, g, known = KEYS[index], groupOf[index], stored[index]
  if keepsMax[index] then
    for member, v in pairs(byMember) do redis.call('ZADD', key, 'GT', v, member) end
  else
    local shift = enterFrame(index)
    local into = shift == 0 and 1 or 2 ^ shift
    for member, v in pairs(byMember) do redis.call('ZINCRBY', key, v * into, member) end
  end
  local bound = tonumber(string.sub(ARGV[index + 4], 2))
  local size = known.n and known.n + written[index]
  if not size or size > bound * 1.25 then
    size = redis.call('ZCARD', key)
    if size > bound * 1.25 then
      redis.call('ZREMRANGEBYRANK', key, 0, -(bound + 1))
      size = bound
    end
  end
  change(g, 'n:' .. key, size)
  if not known.x or known.x < stale then
    redis.call('PEXPIREAT', key, expiryText)
    change(g, 'x:' .. key, expiryText)
    refreshed[g] = true
  end
end
for g in pairs(sets) do
  if tops[g] > marks[g] then change(g, ARGV[1], tops[g]) end
  if changes[g] then
    if refreshed[g] or not stored[g] or stored[g] < stale then
      change(g, 'x', expiryText)
      hset(KEYS[g], changes[g])
      redis.call('PEXPIREAT', KEYS[g], expiryText)
    else
      hset(KEYS[g], changes[g])
    end
  end
end
return 1
`;

/**
 * Stores a user's list as a new version when its signature differs, and publishes it (the version: see below).
 * KEYS: recs, signature, version, saved, listed, state, recent. ARGV: signature, userId JSON,
 * generatedAt, strategy JSON, arm JSON, items JSON, channel, receivedAt (ISO, or '' for none), basis
 * ('' for none), '1' when the write is conditional on the basis, the flags stamp, the retention (ms),
 * the publish command: PUBLISH, or SPUBLISH on a Redis Cluster (allowed in scripts since Redis 7.0:
 * the channel carries the user's hash tag, so it is in the script's slot), causedBy JSON ('' for none).
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
if ARGV[14] and ARGV[14] ~= '' then doc = doc .. ',"causedBy":' .. ARGV[14] end
doc = doc .. '}'
redis.call('SET', KEYS[1], doc)
redis.call('SET', KEYS[2], ARGV[1])
touch()
redis.call(ARGV[13], ARGV[7], doc)
return {1, doc}
`;
