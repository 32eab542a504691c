// The seed's Redis check (tests/redisTest.js) on ioredis, with a namespaced key of its own that
// expires on its own (EX 60) and is deleted at the end.
import { randomBytes } from 'node:crypto';
import { UnavailableError } from '../errors';
import { remaining, within } from './timeout';
import { createRedisClient, describeRedis } from '../store/redisClient';

export interface RedisCheckOptions {
  url: string;
  /** A Redis Cluster's seed nodes: checked instead of `url`. */
  clusterNodes?: string[] | null;
  print: (line: string) => void;
  /** The whole check (default 10 s). */
  timeoutMs?: number;
}

export const DOCTOR_KEY_PREFIX = 'recsys:doctor:test-key';

export async function checkRedis(options: RedisCheckOptions): Promise<void> {
  const { print, timeoutMs = 10000 } = options;
  const url = describeRedis({ url: options.url, clusterNodes: options.clusterNodes ?? null });
  const deadline = Date.now() + timeoutMs;
  const key = `${DOCTOR_KEY_PREFIX}:${process.pid}-${randomBytes(4).toString('hex')}`;
  let lastError: Error | undefined;
  const client = createRedisClient(
    { url: options.url, clusterNodes: options.clusterNodes ?? null },
    {
      lazyConnect: true,
      connectTimeout: Math.min(timeoutMs, 5000),
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    },
  );
  client.on('error', (err: Error) => (lastError = err));
  client.on('connect', () => print('Connected to Redis.'));
  try {
    try {
      await within('Redis', remaining(deadline), `connecting to ${url}`, client.connect());
    } catch (err) {
      throw new UnavailableError('Redis', `cannot connect to ${url}: ${(lastError ?? (err as Error)).message}`, err);
    }
    print('Redis client connected.');
    const setReply = await within('Redis', remaining(deadline), 'SET', client.set(key, 'Hello Redis', 'EX', 60));
    print(`Set reply: ${setReply}`);
    const getReply = await within('Redis', remaining(deadline), 'GET', client.get(key));
    print(`Get reply: ${getReply}`);
    if (getReply !== 'Hello Redis') throw new UnavailableError('Redis', `GET ${key} returned ${String(getReply)}`);
    await within('Redis', remaining(deadline), 'DEL', client.del(key));
    await within('Redis', remaining(deadline), 'QUIT', client.quit());
    print('Redis client disconnected.');
  } finally {
    if (client.status !== 'end') client.disconnect();
  }
}
