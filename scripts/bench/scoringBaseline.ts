// Scoring baseline: the same topics consumed the same way (kafkajs eachBatch, one partition at a
// time, commit after the batch), and per event the Redis commands our scorer issues (the mix the
// bench calibrated, Lua-internal commands included), plus per batch the multi-key reads and
// writes of user states and products it issues, sent as one raw ioredis pipeline per batch with
// no logic at all: no state, no ranking, no idempotency checks.
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';

export interface ScoringBaselineOptions {
  brokers: string[];
  topics: string[];
  groupId: string;
  redisUrl: string;
  keyPrefix: string;
  /** Redis commands per event, by command name (lower case), e.g. { zincrby: 3.2, get: 2 }. */
  mix: Record<string, number>;
}

const STATE = JSON.stringify({
  recent: Array.from({ length: 20 }, (_, i) => ({ p: `p-${i}`, t: 1_700_000_000_000 + i })),
  cart: [],
  purchased: [],
  cats: { c1: 3 },
  seen: Array.from({ length: 20 }, (_, i) => `e-${i}`),
});
const RECENT = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ p: `p-${i}`, t: 1_700_000_000_000 + i })));
const DOC = JSON.stringify({
  userId: 'u',
  version: 1,
  generatedAt: new Date(0).toISOString(),
  items: Array.from({ length: 20 }, (_, i) => ({ productId: `p-${i}`, score: 1, reason: 'ALSO_VIEWED' })),
});

export async function startScoringBaseline(o: ScoringBaselineOptions): Promise<{ stop(): Promise<void> }> {
  const redis = new Redis(o.redisUrl, { lazyConnect: true });
  await redis.connect();
  const kafka = new Kafka({ clientId: 'bench-baseline', brokers: o.brokers, logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId: o.groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topics: o.topics, fromBeginning: true });
  const p = o.keyPrefix;
  // Multi-key commands are sent per batch above, not per event.
  const mix = Object.entries(o.mix).filter(([command, n]) => n > 0 && command !== 'mget' && command !== 'mset');
  const carry = new Map<string, number>();
  await consumer.run({
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch, heartbeat }) => {
      const pipeline = redis.pipeline();
      // Our scorer reads the batch's user states and products and writes each user's state, neighbour
      // copy and stale mark in a few multi-key commands per batch (counted once each by the
      // calibration, whatever their size): the baseline sends the same ones for the same keys.
      const events = batch.messages.map((message) => {
        const e = JSON.parse(message.value?.toString('utf8') ?? '{}') as { userId?: string; productId?: string; items?: { productId: string }[] };
        return { u: e.userId ?? 'u', prod: e.productId ?? e.items?.[0]?.productId ?? 'p', offset: message.offset };
      });
      const batchUsers = new Set(events.map((e) => e.u));
      const batchProducts = new Set(events.map((e) => e.prod));
      if (batchUsers.size > 0) {
        pipeline.mget([...batchUsers].map((u) => `${p}:{u:${u}}:state`));
        pipeline.mget([...batchProducts].map((prod) => `${p}:{p:${prod}}:info`));
        pipeline.mset([...batchUsers].flatMap((u) => [`${p}:{u:${u}}:state`, STATE, `${p}:{u:${u}}:recent`, RECENT, `${p}:{u:${u}}:saved`, 'e-1']));
      }
      for (const { u, prod, offset } of events) {
        for (const [command, perEvent] of mix) {
          let n = (carry.get(command) ?? 0) + perEvent;
          for (; n >= 1; n -= 1) {
            switch (command) {
              case 'zincrby':
                pipeline.zincrby(`${p}:{p:${prod}}:covis`, 1, u);
                break;
              case 'zadd':
                pipeline.zadd(`${p}:{p:${prod}}:users`, 'GT', Date.now(), u);
                break;
              case 'zrevrange':
                pipeline.zrevrange(`${p}:{p:${prod}}:covis`, 0, 19, 'WITHSCORES');
                break;
              case 'zcard':
                pipeline.zcard(`${p}:{p:${prod}}:covis`);
                break;
              case 'zremrangebyrank':
                pipeline.zremrangebyrank(`${p}:{p:${prod}}:covis`, 0, -201);
                break;
              case 'set':
                pipeline.set(`${p}:{u:${u}}:state`, STATE);
                break;
              case 'hget':
                pipeline.hget(`${p}:{p:${prod}}:wm`, 'src');
                break;
              case 'hset':
                pipeline.hset(`${p}:{p:${prod}}:wm`, 'src', offset);
                break;
              case 'hmget':
                pipeline.hmget(`${p}:{p:${prod}}:wm`, 'src', 'x', 'n');
                break;
              case 'pexpire':
                pipeline.pexpire(`${p}:{p:${prod}}:covis`, 86_400_000);
                break;
              case 'pexpireat':
                pipeline.pexpireat(`${p}:{p:${prod}}:covis`, Date.now() + 86_400_000);
                break;
              case 'pexpiretime':
                pipeline.pexpiretime(`${p}:{u:${u}}:state`);
                break;
              case 'exists':
                pipeline.exists(`${p}:{u:${u}}:recs`);
                break;
              case 'incr':
                pipeline.incr(`${p}:{u:${u}}:recver`);
                break;
              case 'publish':
                pipeline.publish(`${p}:recs:${u}`, DOC);
                break;
              case 'smembers':
                pipeline.smembers(`${p}:outofstock`);
                break;
              default:
                pipeline.get(`${p}:{u:${u}}:state`);
                break; // get, and anything rarer
            }
          }
          carry.set(command, n);
        }
      }
      const results = (await pipeline.exec()) ?? [];
      for (const [err] of results) if (err) throw err;
      await heartbeat();
    },
  });
  return {
    async stop() {
      await consumer.disconnect();
      await redis.quit();
    },
  };
}
