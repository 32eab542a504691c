// Saving user states in Redis, fenced: a write names the stamp of the state it was computed from
// and is applied only while that is still the stored state, checked and written in one Lua call,
// so a member that lost its partitions while paused cannot overwrite what the new owner saved.
import { basisOf, type SaveResult } from './types';
import type { RedisKeys } from './redisKeys';
import type { UserState } from '../recommend';
import { pipelined, type Pipeline, type RedisClient } from './redisClient';
import { expirySlackMs } from './expirySlack';
import { encodeRecent, encodeUserState } from './userStateCodec';

/**
 * KEYS: per user (7 each) its state, recent items, saved mark, listed mark, list, list signature
 * and list version.
 * ARGV[1]: '1' when fenced; ARGV[2]: the retention (ms); ARGV[3]: the expiry slack (ms, see
 * expirySlack.ts); then per user: '=' and the expected stamp (or '*': this user is not fenced, e.g.
 * a corrupt stored state being replaced), the state and its recent items (userStateCodec.ts), new stamp.
 * The stored state's stamp is the saved mark, else the listed mark (PUT_RECS moves the stamp from
 * one to the other, see redisScripts.ts), else, for a state written without them, its last seen id.
 * Every key of a user shares one expiry: the state's, kept while it is within the slack of the
 * retention from now, else the retention from now for all seven (PUT_RECS gives them the same).
 * Needs Redis 7.0 (PEXPIRETIME).
 * Returns the 0-based indexes of the users refused.
 */
export const SAVE_USERS = `
local fenced, ttl, slack = ARGV[1] == '1', tonumber(ARGV[2]), tonumber(ARGV[3])
local time = redis.call('TIME')
-- Absolute expiries (ms, Redis's clock), so that every key of a user gets exactly the same one.
local fresh = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + ttl
local refused = {}
for i = 0, #KEYS / 7 - 1 do
  local k, a = i * 7, 3 + i * 4
  local ok = true
  -- The state's expiry (ms): -2 when there is none, which also spares reading it below.
  local at = redis.call('PEXPIRETIME', KEYS[k + 1])
  if fenced and ARGV[a + 1] ~= '*' then
    local marks = redis.call('MGET', KEYS[k + 3], KEYS[k + 4])
    local current = marks[1] or marks[2]
    if not current then
      current = ''
      local raw = at ~= -2 and redis.call('GET', KEYS[k + 1])
      if raw and string.sub(raw, 1, 3) == 'u2\\n' then
        -- Packed (src/store/userStateCodec.ts): the seen ids are the last line, the newest last.
        current = string.match(raw, '([^ \\n]*)$')
      elseif raw then
        local decoded, state = pcall(cjson.decode, raw)
        local seen = decoded and type(state) == 'table' and state.seen
        if type(seen) == 'table' and #seen > 0 then current = seen[#seen] end
      end
    end
    ok = ('=' .. current) == ARGV[a + 1]
  end
  if ok then
    -- -2 (no state) and -1 (no expiry) are below any threshold: those keys get the full retention.
    local refresh = at < fresh - slack
    -- A new shopper's list keys exist only if a list was stored before any state: one EXISTS, not four PEXPIREs.
    local others = refresh and (at ~= -2 or redis.call('EXISTS', KEYS[k + 4], KEYS[k + 5], KEYS[k + 6], KEYS[k + 7]) > 0)
    if refresh then at = fresh end
    local expiry = string.format('%d', at)
    redis.call('SET', KEYS[k + 1], ARGV[a + 2], 'PXAT', expiry)
    redis.call('SET', KEYS[k + 2], ARGV[a + 3], 'PXAT', expiry)
    redis.call('SET', KEYS[k + 3], ARGV[a + 4], 'PXAT', expiry)
    if others then
      for j = k + 4, k + 7 do redis.call('PEXPIREAT', KEYS[j], expiry) end
    end
  else
    refused[#refused + 1] = i
  end
end
return refused
`;

/** SAVE_USERS queued on a pipeline: it answers with the pipeline, its reply comes with exec(). */
type WithSaveUsers = Pipeline & { recsSaveUsers(numKeys: number, ...args: string[]): Pipeline };

export function defineSaveUsers(redis: RedisClient): void {
  redis.defineCommand('recsSaveUsers', { lua: SAVE_USERS });
}

/**
 * One script call for all users on a single Redis; one per user under Cluster (a call's keys must
 * share a slot; a user's keys share the `{u:<user>}` tag), in one pipeline per node.
 */
export async function saveUsersFenced(
  redis: RedisClient,
  keys: RedisKeys,
  users: ReadonlyMap<string, UserState>,
  basis: ReadonlyMap<string, string> | undefined,
  neighbourItems: number,
  retentionMs: number,
): Promise<SaveResult> {
  const ids = [...users.keys()];
  if (ids.length === 0) return { refused: [] };
  const callOf = (part: string[]) => {
    const callKeys: string[] = [];
    const args: string[] = [basis ? '1' : '0', String(retentionMs), String(expirySlackMs(retentionMs))];
    for (const id of part) {
      const user = users.get(id)!;
      callKeys.push(...userKeys(keys, id));
      // What neighbour lookups read of a user: their latest items alone, small.
      const expected = basis?.get(id);
      args.push(expected === undefined ? '*' : `=${expected}`, encodeUserState(user), encodeRecent(user.recent, neighbourItems), basisOf(user));
    }
    return [callKeys.length, ...callKeys, ...args] as [number, ...string[]];
  };
  const parts = redis.isCluster ? ids.map((id) => [id]) : [ids];
  const refused: string[] = [];
  const results = await pipelined(
    redis,
    parts,
    (part) => keys.userState(part[0]!),
    (pipeline, part) => (pipeline as WithSaveUsers).recsSaveUsers(...callOf(part)),
  );
  results.forEach(([err, indexes], call) => {
    if (err) throw err;
    for (const i of indexes as number[]) refused.push(parts[call]![i]!);
  });
  return { refused };
}

/** Every key of one user, in the order SAVE_USERS takes them (PUT_RECS takes the list's first). */
export function userKeys(keys: RedisKeys, id: string): string[] {
  return [keys.userState(id), keys.userRecent(id), keys.recsSaved(id), keys.recsListed(id), keys.recs(id), keys.recsSignature(id), keys.recsVersion(id)];
}
