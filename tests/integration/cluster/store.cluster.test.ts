// The store contract on a Redis Cluster (3 primaries, 3 replicas): every key group in one slot,
// lists pushed through sharded pub/sub, presence counted across primaries, clear() on every node.
import { RedisStore } from '../../../src/store/redisStore';
import { RedisFeed } from '../../../src/store/redisFeed';
import { primaries } from '../../../src/store/redisClient';
import { redisStoreContract } from '../../helpers/redisStoreContract';
import { eventually, uniqueId } from '../../helpers/gateway';
import { clusterClient } from '../../helpers/redisCluster';

jest.setTimeout(60_000);

redisStoreContract('redis cluster', clusterClient);

describe('the Redis store on a cluster', () => {
  test('spreads users over every primary and clear() removes the keys from all of them', async () => {
    const redis = clusterClient();
    const prefix = uniqueId('spread');
    const store = new RedisStore(redis, prefix);
    try {
      const users = new Map(
        Array.from({ length: 60 }, (_, i) => [`u${i}`, { recent: [{ p: `p${i}`, t: i }], cart: [], purchased: [], cats: {}, seen: [`e${i}`] }]),
      );
      await store.saveUsers(users);
      const perNode = async () => Promise.all(primaries(redis).map(async (node) => (await node.keys(`${prefix}:*`)).length));
      const before = await perNode();
      console.log(`keys per primary after saving 60 users: ${before.join(', ')}`);
      expect(before.length).toBe(3);
      for (const n of before) expect(n).toBeGreaterThan(0);
      expect((await store.loadUsers([...users.keys()])).size).toBe(60);
      await store.clear();
      expect(await perNode()).toEqual([0, 0, 0]);
    } finally {
      await store.clear();
      await redis.quit();
    }
  });

  test('counts a subscriber held on another client as listening, on whichever primary its channel lives', async () => {
    const redis = clusterClient();
    const subscriber = clusterClient({ subscriber: true });
    const prefix = uniqueId('presence');
    const store = new RedisStore(redis, prefix);
    const feed = new RedisFeed(subscriber, prefix);
    try {
      const users = Array.from({ length: 12 }, (_, i) => `shopper${i}`);
      const held = users.filter((_, i) => i % 2 === 0);
      const stops = await Promise.all(held.map((u) => feed.subscribe(u, () => {})));
      const listening = async () => [...(await store.listening(users))].sort();
      expect(await eventually(listening, (l) => l.length === held.length)).toEqual([...held].sort());
      await Promise.all(stops.map((stop) => stop()));
      expect(await eventually(listening, (l) => l.length === 0)).toEqual([]);
    } finally {
      await Promise.all([redis.quit(), subscriber.quit()]);
    }
  });
});
