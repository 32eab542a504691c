// The leader's maintenance prunes what expiry leaves behind (recent-user entries older than the
// retention); a follower on the same Redis prunes nothing. Real ZooKeeper election, real Redis.
import Redis from 'ioredis';
import { createLeaderMaintenance } from '../../../src/coordination/maintenance';
import { ZooKeeperInstances } from '../../../src/coordination/zookeeperInstances';
import { RedisStore } from '../../../src/store/redisStore';
import { uniqueId } from '../../helpers/gateway';
import { Disposer, PrivateZooKeeper, captureLog, freePort, openSession, scratchRoot, waitFor } from './zkTestKit';

jest.setTimeout(90_000);

const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const d = new Disposer();
afterEach(() => d.dispose());

test('the leader prunes expired recent-user entries and a follower on the same Redis prunes none', async () => {
  // A private ZooKeeper: the test needs an election, not the shared stack's.
  const zk = new PrivateZooKeeper(await freePort());
  d.add(() => zk.dispose());
  await zk.start();
  const { root } = await scratchRoot(d, zk.connect);
  const prefix = uniqueId('prune');
  const redis = new Redis(url);
  d.add(async () => {
    await new RedisStore(redis, prefix).clear();
    await redis.quit();
  });
  const retentionMs = 60_000;
  const removedBy = new Map<string, number>();

  const member = async (id: string, port: number) => {
    const log = captureLog();
    const session = openSession(d, log.logger, zk.connect);
    if (!(await session.waitConnected(10_000))) throw new Error('no ZooKeeper session within 10 s');
    const store = new RedisStore(redis, prefix, { retentionMs: () => retentionMs });
    const counting = {
      prune: async (budget: number, nowMs: number) => {
        const result = await store.prune(budget, nowMs);
        removedBy.set(id, (removedBy.get(id) ?? 0) + result.removed);
        return result;
      },
    };
    const registry: ZooKeeperInstances = new ZooKeeperInstances({
      session,
      root,
      logger: log.logger,
      maintenanceIntervalMs: 100,
      maintenance: () =>
        createLeaderMaintenance({ instances: registry, flags: { status: () => ({ connected: true }) }, store: counting, logger: log.logger })(),
    });
    d.add(() => registry.stop());
    await registry.start({ id, host: '127.0.0.1', port, version: 'test', startedAt: new Date().toISOString() });
    return registry;
  };
  const leader = await member('gw-a', 4101);
  await waitFor('a leads', () => leader.isLeader());
  const follower = await member('gw-b', 4102);
  await waitFor('b listed', async () => (await leader.list()).length === 2);
  expect(follower.isLeader()).toBe(false);

  // Entries of shoppers who touched these products longer ago than the retention, and one recent.
  const writer = new RedisStore(redis, prefix, { retentionMs: () => retentionMs });
  const old = Date.now() - 2 * retentionMs;
  await writer.applyDeltas('view-events/0', [
    { offset: 0, delta: { kind: 'session', product: 'p1', user: 'long-gone', at: old } },
    { offset: 1, delta: { kind: 'session', product: 'p2', user: 'long-gone-too', at: old } },
    { offset: 2, delta: { kind: 'session', product: 'p2', user: 'recent', at: Date.now() } },
  ]);
  await waitFor('the leader pruned both old entries', () => (removedBy.get('gw-a') ?? 0) >= 2, 10_000);
  const left = await writer.recentSessions(['p1', 'p2'], 10);
  expect(left.get('p1')).toEqual([]);
  expect(left.get('p2')!.map((e) => e.id)).toEqual(['recent']);
  expect(removedBy.get('gw-b') ?? 0).toBe(0); // never called: the follower runs no maintenance
  expect(removedBy.has('gw-b')).toBe(false);
});
