import Redis from 'ioredis';
import { RedisStore } from '../../../src/store/redisStore';
import { RedisFeed } from '../../../src/store/redisFeed';
import { storeContract } from '../../contract/store.contract';
import { uniqueId } from '../../helpers/gateway';

const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

// The Redis store publishes through Redis pub/sub; expose the feed where the contract expects it.
storeContract('redis', async () => {
  const prefix = uniqueId('store');
  const redis = new Redis(url);
  const subscriber = new Redis(url);
  const store = new RedisStore(redis, prefix);
  const feed = new RedisFeed(subscriber, prefix);
  const subscribe = async (userId: string, listener: Parameters<RedisFeed['subscribe']>[1]) => {
    const stop = await feed.subscribe(userId, listener);
    return async () => {
      await new Promise((r) => setTimeout(r, 100)); // let in-flight messages arrive
      await stop();
    };
  };
  return {
    store: Object.assign(store, { subscribe }),
    close: async () => {
      await Promise.all([redis.quit(), subscriber.quit()]);
    },
  };
});

describe('the Redis feed', () => {
  test('closing the last listener of a user frees the channel', async () => {
    const subscriber = new Redis(url);
    const feed = new RedisFeed(subscriber, uniqueId('feed'));
    const a = await feed.subscribe('u', () => {});
    const b = await feed.subscribe('u', () => {});
    expect(feed.channelCount).toBe(1);
    await a();
    expect(feed.channelCount).toBe(1);
    await b();
    expect(feed.channelCount).toBe(0);
    await subscriber.quit();
  });
});

describe('the Redis store neighbour copy', () => {
  test("keeps only as many of a user's latest items as neighbour lookups read", async () => {
    const redis = new Redis(url);
    const store = new RedisStore(redis, uniqueId('copy'), { neighbourItems: 2 });
    try {
      const recent = [{ p: 'c', t: 3 }, { p: 'b', t: 2 }, { p: 'a', t: 1 }];
      await store.saveUsers(new Map([['u1', { recent, cart: [], purchased: [], cats: {}, seen: ['e1'] }]]));
      expect((await store.recentItems(['u1'], 10)).get('u1')).toEqual(recent.slice(0, 2));
      expect((await store.loadUsers(['u1'])).get('u1')?.recent).toEqual(recent); // the state itself keeps them all
    } finally {
      await store.clear();
      await redis.quit();
    }
  });
});
