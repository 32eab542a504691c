// One Redis server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES): the client for either,
// and the few things that differ between them, in one place: which nodes hold keys (SCAN walks
// each primary), how pub/sub travels (Redis 7 sharded pub/sub on a cluster), and how a channel's
// subscribers are counted.
import Redis, { Cluster, type RedisOptions } from 'ioredis';
import calculateSlot from 'cluster-key-slot';
import type { RedisConfig } from '../config';
import { pause } from '../util/backoff';

/** What every store, feed and script takes: a single server's client or a cluster's. */
export type RedisClient = Redis | Cluster;

function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/**
 * A client for the configured Redis with the given per-connection options. On a cluster the
 * options go to every node's connection, the retry strategy to the cluster as a whole, and a
 * subscriber (`subscriber: true`) gets one sharded-subscriber connection per primary.
 */
export function createRedisClient(
  config: Pick<RedisConfig, 'url' | 'clusterNodes'>,
  options: RedisOptions = {},
  role: { subscriber?: boolean } = {},
): RedisClient {
  if (!config.clusterNodes) return new Redis(config.url!, options);
  const { retryStrategy, enableOfflineQueue, lazyConnect, ...redisOptions } = options;
  return new Cluster(config.clusterNodes.map(hostPort), {
    redisOptions,
    lazyConnect,
    enableOfflineQueue,
    clusterRetryStrategy: retryStrategy ? (times) => retryStrategy(times) : undefined,
    // Writes and reads on the primaries: a replica's copy lags, and a list read just after its write must see it.
    scaleReads: 'master',
    shardedSubscribers: role.subscriber === true,
  });
}

/** The nodes that hold keys: every primary of a cluster, or the one server. */
export function primaries(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/**
 * Every key matching `pattern`, on every primary (SCAN sees one node's keys), handed to `onKeys` a
 * page at a time.
 */
export async function scanEach(client: RedisClient, pattern: string, count: number, onKeys: (keys: string[], node: Redis) => Promise<void>): Promise<void> {
  for (const node of primaries(client)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length > 0) await onKeys(keys, node);
    } while (cursor !== '0');
  }
}

/** Every key matching `pattern` (a test or operator tool's listing, not a hot path). */
export async function scanAll(client: RedisClient, pattern: string, count = 1000): Promise<string[]> {
  const out: string[] = [];
  await scanEach(client, pattern, count, async (keys) => void out.push(...keys));
  return out;
}

/** PUBLISH on a single server; SPUBLISH (sharded pub/sub: the channel's own shard) on a cluster. */
export function publishCommand(client: RedisClient): 'PUBLISH' | 'SPUBLISH' {
  return client.isCluster ? 'SPUBLISH' : 'PUBLISH';
}

/**
 * How many connections listen on each channel, whichever gateway holds them. A single server
 * counts them all (PUBSUB NUMSUB). On a cluster a sharded subscription lives on the primary
 * serving its channel's slot, which alone counts it (PUBSUB SHARDNUMSUB answers 0 elsewhere):
 * every primary is asked for every channel and the counts are summed, one command per primary,
 * which stays right while a slot moves between nodes.
 */
export async function subscriberCounts(client: RedisClient, channels: string[]): Promise<number[]> {
  const counts = channels.map(() => 0);
  if (channels.length === 0) return counts;
  const [command, nodes] = client.isCluster ? ['SHARDNUMSUB', primaries(client)] : ['NUMSUB', [client as Redis]];
  const replies = await Promise.all(nodes.map((node) => node.call('PUBSUB', command, ...channels) as Promise<(string | number)[]>));
  for (const reply of replies) channels.forEach((_, i) => (counts[i]! += Number(reply[i * 2 + 1])));
  return counts;
}

/** The subscribing side of pub/sub: SUBSCRIBE and 'message' on a server, SSUBSCRIBE and 'smessage' on a cluster. */
export interface ChannelSubscriber {
  subscribe(channels: string[]): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  onMessage(handler: (channel: string, message: string) => void): void;
}

/**
 * Under load, the cluster live-lists test saw SSUBSCRIBEs refused by ioredis 5.8.2 itself with
 * "Connection in subscriber mode, only subscriber commands may be used" (twice in a loaded run, never
 * on an idle machine; the cause inside ioredis's lazily connected shard subscribers is not pinned
 * down). The refusal is transient: a couple of quick retries absorb it before a subscription fails.
 */
const SSUBSCRIBE_ATTEMPTS = 3;

async function ssubscribeRetrying(client: Cluster, channel: string): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.ssubscribe(channel);
    } catch (err) {
      if (attempt >= SSUBSCRIBE_ATTEMPTS || client.status === 'end') throw err;
      await pause(100 * attempt);
    }
  }
}

export function channelSubscriber(client: RedisClient): ChannelSubscriber {
  if (client instanceof Cluster) {
    return {
      // ioredis routes each SSUBSCRIBE to the sharded-subscriber connection of its channel's primary (one slot per call).
      subscribe: (channels) => Promise.all(channels.map((channel) => ssubscribeRetrying(client, channel))),
      unsubscribe: (channel) => client.sunsubscribe(channel),
      onMessage: (handler) => void client.on('smessage', handler),
    };
  }
  return {
    subscribe: (channels) => client.subscribe(...channels),
    unsubscribe: (channel) => client.unsubscribe(channel),
    onMessage: (handler) => void client.on('message', handler),
  };
}

export type Pipeline = ReturnType<RedisClient['pipeline']>;

/**
 * Sends one command per item in pipelines and returns the replies in the items' order. A single
 * server gets one pipeline. A cluster pipeline must stay on one node, so there the items are
 * grouped by the node serving the slot of `keyOf(item)` (each command's keys share that slot:
 * one hash tag) and each group goes as its own pipeline, all at once.
 */
export async function pipelined<T>(
  client: RedisClient,
  items: readonly T[],
  keyOf: (item: T) => string,
  add: (pipeline: Pipeline, item: T) => void,
): Promise<[Error | null, unknown][]> {
  if (items.length === 0) return [];
  const groups = new Map<string, number[]>();
  if (client instanceof Cluster) {
    items.forEach((item, i) => {
      const slot = calculateSlot(keyOf(item));
      const group = client.slots[slot]?.join(',') ?? `slot ${slot}`; // no slot map yet: one pipeline per slot
      const members = groups.get(group);
      if (members) members.push(i);
      else groups.set(group, [i]);
    });
  } else {
    groups.set(
      '',
      items.map((_, i) => i),
    );
  }
  const out = new Array<[Error | null, unknown]>(items.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const pipeline = client.pipeline();
      for (const i of indexes) add(pipeline, items[i]!);
      const replies = (await pipeline.exec()) ?? [];
      indexes.forEach((i, n) => (out[i] = replies[n] ?? [new Error('no reply in the pipeline'), null]));
    }),
  );
  return out;
}

/** pipelined(), throwing the first failure; the replies otherwise. */
export async function pipelinedOrThrow<T>(
  client: RedisClient,
  items: readonly T[],
  keyOf: (item: T) => string,
  add: (pipeline: Pipeline, item: T) => void,
): Promise<unknown[]> {
  return (await pipelined(client, items, keyOf, add)).map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}

/** Where the configured Redis is, for messages: its URL, or the cluster's seed nodes. */
export function describeRedis(config: Pick<RedisConfig, 'url' | 'clusterNodes'>): string {
  return config.clusterNodes ? `Redis Cluster ${config.clusterNodes.join(',')}` : config.url!;
}
