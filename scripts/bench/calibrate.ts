// Counts the Redis commands our scorer issues per event, Lua-internal ones included, on a
// private redis-server (loopback, random port, no persistence) so nobody else's traffic is
// counted: INFO commandstats before and after scoring a sample of the run's events.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import type { EventEnvelope } from '../../src/events/envelope';
import { defaultFlags } from '../../src/flags/definitions';
import { RANKING } from '../../src/recommend';
import { Recommender } from '../../src/services/recommender';
import { RedisStore } from '../../src/store/redisStore';
import type { Product } from '../../src/store/types';
import { createScorer } from '../../src/streams/scorer';
import { MemoryDeadLetters } from '../../src/log/deadLetters';
import { sleep } from './stats';

const WRAPPERS = new Set(['info', 'ping', 'config', 'select', 'client', 'hello', 'command', 'evalsha', 'eval', 'script', 'quit', 'flushall']);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function commandStats(info: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of info.split('\n')) {
    const m = line.match(/^cmdstat_([a-z|_-]+):calls=(\d+)/);
    if (m) out.set(m[1]!.split('|')[0]!, (out.get(m[1]!.split('|')[0]!) ?? 0) + Number(m[2]));
  }
  return out;
}

export interface Calibration {
  /** Commands per event by name (wrappers like EVALSHA left out: their inner commands are counted). */
  mix: Record<string, number>;
  perEvent: number;
  /** Round trips (pipelines, script calls, single commands) are not counted here; see the scorer. */
  sample: number;
}

export async function calibrate(events: readonly EventEnvelope[], products: Product[], batchSize: number): Promise<Calibration> {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, enableAutoPipelining: true, maxRetriesPerRequest: 2, retryStrategy: (n) => (n > 20 ? null : 100) });
  redis.on('error', () => {}); // refused until the private server listens; connect() below retries
  try {
    for (let i = 0; i < 50; i++) {
      try {
        await redis.connect();
        break;
      } catch {
        await sleep(100);
      }
    }
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
    const before = commandStats(await redis.info('commandstats'));
    await run(half, events.length);
    const after = commandStats(await redis.info('commandstats'));
    const counted = events.length - half;
    const mix: Record<string, number> = {};
    let perEvent = 0;
    for (const [name, calls] of after) {
      if (WRAPPERS.has(name)) continue;
      const n = (calls - (before.get(name) ?? 0)) / counted;
      if (n > 0) {
        mix[name] = n;
        perEvent += n;
      }
    }
    return { mix, perEvent, sample: counted };
  } finally {
    redis.disconnect();
    server.kill('SIGTERM');
  }
}
