// Production store on Redis (ioredis), a single server or a cluster. One round trip per batch
// where it can (per node on a cluster): pipelines for reads, one script call per key group for writes.
import { USER_BOUNDS, type RecentItem, type Scored, type UserState } from '../recommend';
import { CorruptStateError } from '../errors';
import { decodeRecent, decodeUserState } from './userStateCodec';
import {
  storedSignature,
  type CorruptState,
  type PositionedDelta,
  type Product,
  type PruneResult,
  type PutResult,
  type ClearableStore,
  type RecStore,
  type SaveResult,
  type StoredRecs,
} from './types';
import { redisKeys, type RedisKeys } from './redisKeys';
import { APPLY_DELTAS, PUT_RECS } from './redisScripts';
import { deltaCalls } from './redisDeltaCalls';
import { expirySlackMs } from './expirySlack';
import { defineSaveUsers, saveUsersFenced, userKeys } from './redisUserWrites';
import { defaultFlags, retentionMs } from '../flags/definitions';
import { pipelinedOrThrow, primaries, publishCommand, scanEach, subscriberCounts, type Pipeline, type RedisClient } from './redisClient';

type ScriptedRedis = RedisClient & {
  recsApplyDeltas(numKeys: number, ...args: (string | number)[]): Promise<number>;
  recsPutRecs(...args: (string | number)[]): Promise<[number, string | null]>;
};
/** The same script queued on a pipeline: it answers with the pipeline, its reply comes with exec(). */
type ScriptedPipeline = Pipeline & { recsApplyDeltas(numKeys: number, ...args: (string | number)[]): Pipeline };

/** Updates per APPLY_DELTAS call: a call holds Redis for roughly 10-15 µs per update. */
const OPS_PER_CALL = 1000;

export class RedisStore implements RecStore, ClearableStore {
  readonly keys: RedisKeys;
  private readonly redis: ScriptedRedis;

  /** The landmark sets written before decay frames existed are relative to (read once). */
  private legacyLandmark: Promise<number | null> | null = null;

  /** How many recent items the neighbour copy of a user's state keeps (what neighbour lookups read). */
  private readonly neighbourItems: number;

  /** How long a key lives after its last write (ms), asked at every write: the flag may change. */
  private readonly retentionMs: () => number;

  /** Where the last prune's SCAN stopped: which primary (the one server: 0) and its cursor ('0': that node from the start). */
  private pruneAt = { node: 0, cursor: '0' };

  constructor(redis: RedisClient, prefix: string, options: { neighbourItems?: number; retentionMs?: () => number } = {}) {
    this.keys = redisKeys(prefix);
    this.neighbourItems = options.neighbourItems ?? USER_BOUNDS.recent;
    this.retentionMs = options.retentionMs ?? (() => retentionMs(defaultFlags()));
    redis.defineCommand('recsApplyDeltas', { lua: APPLY_DELTAS });
    redis.defineCommand('recsPutRecs', { lua: PUT_RECS, numberOfKeys: 7 });
    defineSaveUsers(redis);
    this.redis = redis as ScriptedRedis;
  }

  async loadUsers(userIds: string[], corrupt?: CorruptState[]): Promise<Map<string, UserState>> {
    const out = new Map<string, UserState>();
    const raws = await this.getMany(userIds.map((id) => this.keys.userState(id)));
    userIds.forEach((id, i) => {
      const raw = raws[i];
      if (typeof raw !== 'string') return;
      const decoded = decodeUserState(raw);
      if ('state' in decoded) out.set(id, decoded.state);
      else if (corrupt) corrupt.push({ userId: id, raw, reason: decoded.corrupt });
      else throw new CorruptStateError(this.keys.userState(id), decoded.corrupt);
    });
    return out;
  }

  /**
   * Values of many string keys in one round trip. On a single Redis one MGET: one command
   * however many keys, far cheaper for the client than a GET each. Under Redis Cluster the keys
   * (each under its own hash tag) span slots, which MGET refuses (CROSSSLOT): one GET per key,
   * in one pipeline per node.
   */
  private async getMany(keys: string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    if (!this.redis.isCluster) return this.redis.mget(keys);
    const raws = await pipelinedOrThrow(
      this.redis,
      keys,
      (key) => key,
      (pipeline, key) => pipeline.get(key),
    );
    return raws.map((raw) => (typeof raw === 'string' ? raw : null));
  }

  /** Fenced per user when `basis` is given: see redisUserWrites.ts. */
  saveUsers(users: ReadonlyMap<string, UserState>, basis?: ReadonlyMap<string, string>): Promise<SaveResult> {
    return saveUsersFenced(this.redis, this.keys, users, basis, this.neighbourItems, this.retentionMs());
  }

  /**
   * Redis counts every connection subscribed to a channel, whichever gateway holds it, and forgets
   * a crashed one with its connection (PUBSUB NUMSUB; SHARDNUMSUB on each primary of a cluster).
   */
  async listening(userIds: string[]): Promise<Set<string>> {
    const counts = await subscriberCounts(
      this.redis,
      userIds.map((id) => this.keys.recsChannel(id)),
    );
    return new Set(userIds.filter((_, i) => counts[i]! > 0));
  }

  async applyDeltas(source: string, deltas: PositionedDelta[]): Promise<void> {
    this.legacyLandmark ??= this.redis.get(this.keys.legacyLandmark).then(
      (raw) => (raw === null ? null : Number(raw)),
      (err: unknown) => {
        this.legacyLandmark = null; // asked again next batch
        throw err;
      },
    );
    const legacyLandmark = await this.legacyLandmark;
    const calls = deltaCalls(this.keys, source, deltas, { opsPerCall: OPS_PER_CALL, oneGroupPerCall: this.redis.isCluster, legacyLandmark });
    if (calls.length === 0) return;
    const retention = this.retentionMs();
    const ttl = String(retention);
    const slack = String(expirySlackMs(retention));
    await pipelinedOrThrow(
      this.redis,
      calls,
      (call) => call.keys[0]!,
      (pipeline, { keys, args }) => (pipeline as ScriptedPipeline).recsApplyDeltas(keys.length, ...keys, ...args, ttl, slack),
    );
  }

  private async topMany(keys: string[], limit: number): Promise<Scored[][]> {
    if (keys.length === 0) return [];
    const results = await pipelinedOrThrow(
      this.redis,
      keys,
      (key) => key,
      (pipeline, key) => pipeline.zrevrange(key, 0, limit - 1, 'WITHSCORES'),
    );
    return results.map((flat) => {
      const list = flat as string[];
      const out: Scored[] = [];
      for (let i = 0; i + 1 < list.length; i += 2) out.push({ id: list[i]!, score: Number(list[i + 1]) });
      return out;
    });
  }

  async alsoViewed(productIds: string[], limit: number): Promise<Map<string, Scored[]>> {
    const lists = await this.topMany(productIds.map(this.keys.covis), limit);
    return new Map(productIds.map((id, i) => [id, lists[i] ?? []]));
  }

  async boughtTogether(productIds: string[], limit: number): Promise<Map<string, Scored[]>> {
    const lists = await this.topMany(productIds.map(this.keys.bought), limit);
    return new Map(productIds.map((id, i) => [id, lists[i] ?? []]));
  }

  async trending(categories: (string | null)[], limit: number): Promise<Map<string | null, Scored[]>> {
    const lists = await this.topMany(categories.map(this.keys.trending), limit);
    return new Map(categories.map((c, i) => [c, lists[i] ?? []]));
  }

  async recentSessions(productIds: string[], limit: number): Promise<Map<string, Scored[]>> {
    const lists = await this.topMany(productIds.map(this.keys.recentUsers), limit);
    return new Map(productIds.map((id, i) => [id, lists[i] ?? []]));
  }

  async recentItems(userIds: string[], limit: number): Promise<Map<string, RecentItem[]>> {
    const out = new Map<string, RecentItem[]>();
    const raws = await this.getMany(userIds.map((id) => this.keys.userRecent(id)));
    userIds.forEach((id, i) => {
      const raw = raws[i];
      if (typeof raw !== 'string') return;
      const items = decodeRecent(raw);
      if (items === null) throw new CorruptStateError(this.keys.userRecent(id), 'expected the recent items packed or as a JSON array of { p, t }');
      out.set(id, items.length > limit ? items.slice(0, limit) : items);
    });
    return out;
  }

  async readRecs(userId: string): Promise<{ recs: StoredRecs | null; stale: boolean }> {
    // One MGET: both keys share the user's hash tag, so this holds under Cluster too.
    const [raw, saved] = await this.redis.mget(this.keys.recs(userId), this.keys.recsSaved(userId));
    return { recs: raw ? (JSON.parse(raw) as StoredRecs) : null, stale: saved !== null && saved !== undefined };
  }

  async putRecs(userId: string, list: Omit<StoredRecs, 'userId' | 'version'>, basis?: string): Promise<PutResult> {
    const [state, recent, saved, listed, recs, signature, version] = userKeys(this.keys, userId);
    const [status, doc] = await this.redis.recsPutRecs(
      recs!,
      signature!,
      version!,
      saved!,
      listed!,
      state!,
      recent!,
      storedSignature(list),
      JSON.stringify(userId),
      list.generatedAt,
      JSON.stringify(list.strategy),
      JSON.stringify(list.arm),
      JSON.stringify(list.items),
      this.keys.recsChannel(userId),
      list.receivedAt ?? '',
      basis ?? '',
      basis === undefined ? '0' : '1',
      list.flags ?? '',
      String(this.retentionMs()),
      publishCommand(this.redis),
      list.causedBy ? JSON.stringify(list.causedBy) : '',
    );
    return { recs: doc ? (JSON.parse(doc) as StoredRecs) : null, changed: status === 1, superseded: status === 2 };
  }

  async upsertProducts(products: Product[]): Promise<number> {
    if (products.length === 0) return 0;
    // Every gateway re-pushes its subscribed lists that show these (src/live/liveLists.ts).
    const outOfStock = products.filter((p) => !p.inStock).map((p) => p.id);
    type Write = { key: string; send: (pipeline: ReturnType<RedisClient['pipeline']>) => unknown };
    const writes: Write[] = products.map((p) => ({
      key: this.keys.product(p.id),
      send: (pipeline) => pipeline.set(this.keys.product(p.id), JSON.stringify(p)),
    }));
    for (const p of products) {
      const stock = this.keys.outOfStock;
      writes.push({ key: stock, send: (pipeline) => (p.inStock ? pipeline.srem(stock, p.id) : pipeline.sadd(stock, p.id)) });
    }
    // After the writes: a gateway that hears of them reads the new values. Every write is
    // announced (its product caches forget those ids, src/store/productCache.ts), the out-of-stock
    // ones also on their own channel. On a cluster, SPUBLISH goes to the primary of the channel's
    // slot, the node its sharded subscribers listen on.
    const command = publishCommand(this.redis);
    const announce = (channel: string, ids: string[]) => {
      const message = JSON.stringify(ids);
      writes.push({ key: channel, send: (pipeline) => (command === 'SPUBLISH' ? pipeline.spublish(channel, message) : pipeline.publish(channel, message)) });
    };
    announce(
      this.keys.productsChangedChannel,
      products.map((p) => p.id),
    );
    if (outOfStock.length > 0) announce(this.keys.catalogChannel, outOfStock);
    await pipelinedOrThrow(
      this.redis,
      writes,
      (w) => w.key,
      (pipeline, w) => w.send(pipeline),
    );
    return products.length;
  }

  async unavailableProducts(): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.keys.outOfStock));
  }

  /** The whole batch in one round trip (the request's DataLoader hands us every id of a list at once). */
  async getProducts(ids: readonly string[]): Promise<(Product | null)[]> {
    const raws = await this.getMany(ids.map((id) => this.keys.product(id)));
    return raws.map((raw) => (typeof raw === 'string' ? (JSON.parse(raw) as Product) : null));
  }

  /**
   * Drops the entries of products' recent-user lists older than the retention (users who touched
   * the product that long ago: their keys have expired). Walks the keyspace with SCAN, `budget`
   * keys at most per call, and resumes where the last call stopped; each ZREMRANGEBYSCORE touches
   * one list of at most a few hundred entries, so scoring never waits behind it.
   */
  async prune(budget: number, nowMs: number): Promise<PruneResult> {
    const before = nowMs - this.retentionMs();
    const pattern = this.keys.recentUsers('*');
    // SCAN sees one node's keys: a cluster's walk goes through each primary in turn.
    const nodes = primaries(this.redis);
    let examined = 0;
    let removed = 0;
    let complete: boolean;
    do {
      if (this.pruneAt.node >= nodes.length) this.pruneAt = { node: 0, cursor: '0' }; // the cluster shrank
      const [next, keys] = await nodes[this.pruneAt.node]!.scan(this.pruneAt.cursor, 'MATCH', pattern, 'COUNT', Math.min(budget, 1000));
      this.pruneAt = next !== '0' ? { node: this.pruneAt.node, cursor: next } : { node: this.pruneAt.node + 1, cursor: '0' };
      complete = this.pruneAt.node >= nodes.length;
      if (complete) this.pruneAt = { node: 0, cursor: '0' };
      examined += keys.length;
      const counts = await pipelinedOrThrow(
        this.redis,
        keys,
        (key) => key,
        (pipeline, key) => pipeline.zremrangebyscore(key, '-inf', `(${before}`),
      );
      for (const n of counts) removed += Number(n);
    } while (!complete && examined < budget);
    return { examined, removed, complete };
  }

  /** Deletes every key under the prefix, on every primary. */
  async clear(): Promise<void> {
    // UNLINK per key on a cluster (keys of one call must share a slot), in pipelines per node.
    await scanEach(this.redis, this.keys.pattern, 1000, async (keys) => {
      if (this.redis.isCluster)
        await pipelinedOrThrow(
          this.redis,
          keys,
          (key) => key,
          (pipeline, key) => pipeline.unlink(key),
        );
      else await this.redis.unlink(...keys);
    });
  }
}
