// The experiment store on Redis (a single server or a cluster). A shopper's attribution state and
// the counters its increments go to share one hash tag, `{x:<shard>}` with the shard taken from
// the shopper's id, so one script checks the state's revision, writes it and adds the increments
// atomically; an experiment's totals are the sum over the shards (spread over the cluster's nodes).
import { hashUserId } from '../recommend/arms';
import { pipelinedOrThrow, scanEach, type RedisClient } from '../store/redisClient';
import type { AttributionState, Increment } from './attribution';
import { countField, inSeries, seriesField, type ExperimentStore, type ExperimentTotals, type LoadedAttribution } from './store';

/** Shards of the counters: enough to spread a busy experiment's writes over a cluster's primaries. */
export const EXPERIMENT_SHARDS = 16;

/**
 * KEYS[1] the shopper's state hash (rev, doc), KEYS[2] the shard's set of experiment names, then the
 * counter hashes. ARGV: rev, doc, ttl ms, n, then per increment: experiment, count key index, field,
 * by, series key index (0: none), series field. Returns 1 when written, 0 when the revision moved on.
 */
const SAVE_ATTRIBUTION = `
local rev = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
if rev ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'rev', rev + 1, 'doc', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local n = tonumber(ARGV[4])
for i = 0, n - 1 do
  local a = 5 + i * 6
  redis.call('SADD', KEYS[2], ARGV[a])
  redis.call('HINCRBY', KEYS[tonumber(ARGV[a + 1])], ARGV[a + 2], ARGV[a + 3])
  local s = tonumber(ARGV[a + 4])
  if s > 0 then redis.call('HINCRBY', KEYS[s], ARGV[a + 5], ARGV[a + 3]) end
end
return 1
`;

type ScriptedRedis = RedisClient & { recsSaveAttribution(numKeys: number, ...args: (string | number)[]): Promise<number> };

export class RedisExperimentStore implements ExperimentStore {
  private readonly redis: ScriptedRedis;
  constructor(
    redis: RedisClient,
    private readonly prefix: string,
  ) {
    redis.defineCommand('recsSaveAttribution', { lua: SAVE_ATTRIBUTION });
    this.redis = redis as ScriptedRedis;
  }

  private tag(shard: number) {
    return `${this.prefix}:{x:${shard}}`;
  }
  private shardOf(userId: string) {
    return hashUserId(userId) % EXPERIMENT_SHARDS;
  }
  private stateKey(userId: string) {
    return `${this.tag(this.shardOf(userId))}:attr:${userId}`;
  }

  async loadAttribution(userId: string): Promise<LoadedAttribution> {
    const [rev, doc] = await this.redis.hmget(this.stateKey(userId), 'rev', 'doc');
    if (!rev || !doc) return { state: { seen: [], clicks: [], pending: [], marks: [] }, revision: 0 };
    return { state: JSON.parse(doc) as AttributionState, revision: Number(rev) };
  }

  async saveAttribution(userId: string, revision: number, state: AttributionState, increments: readonly Increment[], ttlMs: number): Promise<boolean> {
    const tag = this.tag(this.shardOf(userId));
    const keys = [this.stateKey(userId), `${tag}:exps`];
    const indexOf = (key: string) => {
      let i = keys.indexOf(key);
      if (i < 0) i = keys.push(key) - 1;
      return i + 1; // Lua's KEYS are 1-based
    };
    const args: (string | number)[] = [revision, JSON.stringify(state), Math.max(1, Math.round(ttlMs)), increments.length];
    for (const inc of increments) {
      const series = inSeries(inc.metric) ? indexOf(`${tag}:exp:${inc.experiment}:series`) : 0;
      args.push(inc.experiment, indexOf(`${tag}:exp:${inc.experiment}:counts`), countField(inc), inc.by, series, series ? seriesField(inc) : '');
    }
    return (await this.redis.recsSaveAttribution(keys.length, ...keys, ...args)) === 1;
  }

  async totals(experiment: string): Promise<ExperimentTotals> {
    const keys = Array.from({ length: EXPERIMENT_SHARDS }, (_, shard) => [
      `${this.tag(shard)}:exp:${experiment}:counts`,
      `${this.tag(shard)}:exp:${experiment}:series`,
    ]).flat();
    const replies = (await pipelinedOrThrow(
      this.redis,
      keys,
      (key) => key,
      (pipeline, key) => pipeline.hgetall(key),
    )) as Record<string, string>[];
    const out: ExperimentTotals = { counts: new Map(), series: new Map() };
    replies.forEach((hash, i) => {
      const into = i % 2 === 0 ? out.counts : out.series;
      for (const [field, value] of Object.entries(hash)) into.set(field, (into.get(field) ?? 0) + Number(value));
    });
    return out;
  }

  async experiments(): Promise<string[]> {
    const keys = Array.from({ length: EXPERIMENT_SHARDS }, (_, shard) => `${this.tag(shard)}:exps`);
    const replies = (await pipelinedOrThrow(
      this.redis,
      keys,
      (key) => key,
      (pipeline, key) => pipeline.smembers(key),
    )) as string[][];
    return [...new Set(replies.flat())].sort();
  }

  async clear(): Promise<void> {
    await scanEach(this.redis, `${this.prefix}:{x:*`, 1000, async (keys) => {
      await pipelinedOrThrow(
        this.redis,
        keys,
        (key) => key,
        (pipeline, key) => pipeline.unlink(key),
      );
    });
  }
}
