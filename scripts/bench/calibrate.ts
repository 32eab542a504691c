// Counts the Redis commands our scorer issues per event, Lua-internal ones included, on a
// private redis-server (loopback, random port, no persistence) so nobody else's traffic is
// counted: INFO commandstats before and after scoring a sample of the run's events.
import Redis from 'ioredis';
import type { EventEnvelope } from '../../src/events/envelope';
import { defaultFlags } from '../../src/flags/definitions';
import { RANKING } from '../../src/recommend';
import { Recommender } from '../../src/recommender/recommender';
import { RedisStore } from '../../src/store/redisStore';
import type { Product } from '../../src/store/types';
import { createScorer } from '../../src/streams/scorer';
import { MemoryDeadLetters } from '../../src/log/deadLetters';
import { startPrivateRedis } from './privateRedis';
import { redisDelta } from './redisInfo';

export interface Calibration {
  /** Commands per event by name (wrappers like EVALSHA left out: their inner commands are counted). */
  mix: Record<string, number>;
  perEvent: number;
  /** Round trips (pipelines, script calls, single commands) are not counted here; see the scorer. */
  sample: number;
}

export async function calibrate(events: readonly EventEnvelope[], products: Product[], batchSize: number): Promise<Calibration> {
  const server = await startPrivateRedis();
  const redis = new Redis(server.url, { enableAutoPipelining: true });
  try {
    const store = new RedisStore(redis, 'calib', { neighbourItems: RANKING.neighbourhood.itemsPerNeighbour });
    await store.upsertProducts(products);
    const flags = () => defaultFlags();
    const { scoreBatch } = createScorer({ store, recommender: new Recommender({ store, flags }), flags, deadLetters: new MemoryDeadLetters() });
    // Warm the history with the first half (not counted), then count the second half.
    const half = Math.floor(events.length / 2);
    const run = async (from: number, to: number) => {
      for (let i = from; i < to; i += batchSize) {
        const records = events.slice(i, Math.min(to, i + batchSize)).map((event, k) => ({ offset: i + k, event }));
        await scoreBatch('calib/0', records);
      }
    };
    await run(0, half);
    const before = await server.read();
    await run(half, events.length);
    const delta = redisDelta(before, await server.read());
    const counted = events.length - half;
    const mix: Record<string, number> = {};
    for (const [name, calls] of Object.entries(delta.commands)) mix[name] = calls / counted;
    const perEvent = delta.commandTotal / counted;
    return { mix, perEvent, sample: counted };
  } finally {
    redis.disconnect();
    await server.stop();
  }
}
