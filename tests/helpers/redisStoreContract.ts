// The store contract (tests/contract/store.contract.ts) on a RedisStore, with its RedisFeed as the
// store's subscribe(): one factory for the single Redis and the cluster suites.
import { RedisStore } from '../../src/store/redisStore';
import { RedisFeed } from '../../src/store/redisFeed';
import type { RedisClient } from '../../src/store/redisClient';
import { storeContract } from '../contract/store.contract';
import { uniqueId } from './gateway';

/** `client()` a command connection; `client({ subscriber: true })` one for the feed. */
export function redisStoreContract(name: string, client: (role?: { subscriber?: boolean }) => RedisClient): void {
  storeContract(
    name,
    async () => {
      const prefix = uniqueId('store');
      const redis = client();
      const subscriber = client({ subscriber: true });
      const store = new RedisStore(redis, prefix);
      const feed = new RedisFeed(subscriber, prefix);
      const subscribe = (userId: string, listener: Parameters<RedisFeed['subscribe']>[1]) => feed.subscribe(userId, listener);
      return {
        store: Object.assign(store, { subscribe }),
        close: async () => {
          await Promise.all([redis.quit(), subscriber.quit()]);
        },
      };
    },
    async (retentionMs) => {
      const redis = client();
      const store = new RedisStore(redis, uniqueId('retain'), { retentionMs: () => retentionMs });
      // Redis expires by its own clock: time passes for real here.
      return { store, close: async () => void (await redis.quit()), now: Date.now, elapse: (ms) => new Promise((r) => setTimeout(r, ms)) };
    },
  );
}
