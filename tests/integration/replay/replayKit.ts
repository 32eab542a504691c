// Helpers for the replay and Redis-restart tests (kept apart so the fault suite can reuse them):
// the replay command as a child process, "everything scored" from a consumer group's committed
// offsets, a private redis-server started and stopped by its PID, and a seeded event load.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import type { Env } from '../../../src/config';
import { TOPIC_OF } from '../../../src/events/envelope';
import { eventually, gql, OPS } from '../../helpers/gateway';
import { freePort } from '../../helpers/processes';

const ROOT = path.resolve(__dirname, '../../..');

export interface ReplayRun {
  child: ChildProcess;
  output: () => string;
  done: Promise<number | null>;
}

/** `npm run replay -- <args>` with the gateway's environment (tsx, as the npm script runs it). */
export function startReplay(env: Env, args: string[]): ReplayRun {
  let output = '';
  // node itself with tsx's loader, not the tsx CLI: the CLI runs the script in a child process of
  // its own, and a SIGKILL of the CLI leaves that child replaying (and holding the group).
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/replay.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, done };
}

function admin(env: Env) {
  return new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
}

export async function dropGroup(env: Env, groupId: string): Promise<void> {
  const a = admin(env);
  await a.connect();
  await a.deleteGroups([groupId]).catch(() => undefined);
  await a.disconnect();
}

export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** Events in the topics, and how many of them the group has committed. */
export async function groupPosition(env: Env, groupId: string): Promise<{ total: number; committed: number }> {
  const a = admin(env);
  await a.connect();
  try {
    const topics = Object.values(TOPIC_OF).map((t) => env.KAFKA_TOPIC_PREFIX + t);
    let total = 0;
    let committed = 0;
    for (const topic of topics) for (const p of await a.fetchTopicOffsets(topic)) total += Number(p.high);
    for (const { partitions } of await a.fetchOffsets({ groupId, topics })) for (const p of partitions) committed += Math.max(0, Number(p.offset));
    return { total, committed };
  } finally {
    await a.disconnect();
  }
}

/** Waits until the group has scored (committed) every event in the topics. */
export async function waitScored(env: Env, groupId: string, ms = 30_000): Promise<number> {
  const pos = await eventually(
    () => groupPosition(env, groupId),
    (p) => p.total > 0 && p.committed === p.total,
    ms,
    200,
  );
  return pos.total;
}

export const CATALOG = Array.from({ length: 12 }, (_, i) => ({ id: `p${i}`, name: `Product ${i}`, category: `c${i % 3}`, price: 10 + i, inStock: true }));

export async function upsertCatalog(url: string): Promise<void> {
  const res = await gql(url, 'mutation($p: [ProductInput!]!) { upsertProducts(products: $p) }', { p: CATALOG });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
}

/** One event of a random type for a user; throws unless accepted. */
export async function track(url: string, userId: string, random: () => number, id: string): Promise<void> {
  const product = CATALOG[Math.floor(random() * CATALOG.length)]!.id;
  const r = random();
  const [op, field, input] =
    r < 0.7
      ? [OPS.trackView, 'trackView', { userId, productId: product, eventId: id }]
      : r < 0.9
        ? [OPS.trackAddToCart, 'trackAddToCart', { userId, productId: product, quantity: 1, eventId: id }]
        : [
            OPS.trackPurchase,
            'trackPurchase',
            {
              userId,
              orderId: `o-${id}`,
              items: [
                { productId: product, quantity: 1, price: 10 },
                { productId: CATALOG[(Number(product.slice(1)) + 1) % CATALOG.length]!.id, quantity: 1, price: 11 },
              ],
              eventId: id,
            },
          ];
  const res = await gql(url, op, { input });
  if (!(res.data as any)?.[field]?.accepted) throw new Error(`${field} not accepted: ${JSON.stringify(res)}`);
}

export interface PrivateRedis {
  port: number;
  url: string;
  pid: () => number;
  /** SIGKILL by PID (a crash: nothing kept, as the stack runs Redis without persistence). */
  kill(): Promise<void>;
  /** A new redis-server on the same port, empty. */
  start(): Promise<void>;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const server: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: () => child!.pid!,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      await eventually(
        () =>
          probe.connect().then(
            () => true,
            () => false,
          ),
        (ok) => ok,
        10_000,
        50,
      );
      probe.disconnect();
    },
    async kill() {
      const c = child!;
      if (c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        process.kill(c.pid!, 'SIGKILL');
      });
    },
  };
  await server.start();
  return server;
}
