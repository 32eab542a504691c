import Redis from 'ioredis';
import { RedisStore } from '../../../src/store/redisStore';
import { RedisFeed } from '../../../src/store/redisFeed';
import { redisStoreContract } from '../../helpers/redisStoreContract';
import { uniqueId } from '../../helpers/gateway';
import { MemoryStore } from '../../../src/store/memoryStore';
import type { PositionedDelta } from '../../../src/store/types';
import { decayedWeight } from '../../../src/recommend';
import { seededRandom } from '../../../src/util/seededRandom';

const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

// The Redis store publishes through Redis pub/sub; the contract gets its feed as subscribe().
redisStoreContract('redis', () => new Redis(url));

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
      const recent = [
        { p: 'c', t: 3 },
        { p: 'b', t: 2 },
        { p: 'a', t: 1 },
      ];
      await store.saveUsers(new Map([['u1', { recent, cart: [], purchased: [], cats: {}, seen: ['e1'] }]]));
      expect((await store.recentItems(['u1'], 10)).get('u1')).toEqual(recent.slice(0, 2));
      expect((await store.loadUsers(['u1'])).get('u1')?.recent).toEqual(recent); // the state itself keeps them all
    } finally {
      await store.clear();
      await redis.quit();
    }
  });
});

describe('the Redis store reading states written before the packed encoding', () => {
  const old = {
    recent: [
      { p: 'b', t: 1_796_000_000_002 },
      { p: 'a', t: 1_796_000_000_001 },
    ],
    cart: ['b'],
    purchased: [],
    cats: { shoes: 0.5 },
    catsFrame: { epoch: 41, halfLifeHours: 24 },
    seen: ['e1', 'e2'],
  };

  test("a JSON state and recent copy left by the old code are read, and the state's last seen id fences its successor", async () => {
    const redis = new Redis(url);
    const store = new RedisStore(redis, uniqueId('oldjson'));
    try {
      // What the code before wrote (JSON), with no saved or listed mark: the stamp is the last seen id.
      await redis.set(store.keys.userState('u1'), JSON.stringify(old));
      await redis.set(store.keys.userRecent('u1'), JSON.stringify(old.recent));
      expect((await store.loadUsers(['u1'])).get('u1')).toEqual(old);
      expect((await store.recentItems(['u1'], 1)).get('u1')).toEqual(old.recent.slice(0, 1));
      const next = { ...old, seen: ['e1', 'e2', 'e3'] };
      expect(await store.saveUsers(new Map([['u1', next]]), new Map([['u1', 'e1']]))).toEqual({ refused: ['u1'] });
      expect(await store.saveUsers(new Map([['u1', next]]), new Map([['u1', 'e2']]))).toEqual({ refused: [] });
      expect((await redis.get(store.keys.userState('u1')))!.startsWith('u2\n')).toBe(true); // written packed from now on
      expect((await store.loadUsers(['u1'])).get('u1')).toEqual(next);
    } finally {
      await store.clear();
      await redis.quit();
    }
  });

  test('a packed state without marks is fenced by its last seen id, read in Lua without decoding', async () => {
    const redis = new Redis(url);
    const store = new RedisStore(redis, uniqueId('packed'));
    try {
      await store.saveUsers(new Map([['u1', old]]));
      await redis.del(store.keys.recsSaved('u1'), store.keys.recsListed('u1'));
      const next = { ...old, seen: ['e1', 'e2', 'e3'] };
      expect(await store.saveUsers(new Map([['u1', next]]), new Map([['u1', 'e1']]))).toEqual({ refused: ['u1'] });
      expect(await store.saveUsers(new Map([['u1', next]]), new Map([['u1', 'e2']]))).toEqual({ refused: [] });
      // A packed state with nothing seen: its stamp is ''.
      const empty = { recent: [], cart: [], purchased: [], cats: {}, seen: [] };
      await store.saveUsers(new Map([['u3', empty]]));
      await redis.del(store.keys.recsSaved('u3'));
      expect(await store.saveUsers(new Map([['u3', { ...empty, seen: ['f1'] }]]), new Map([['u3', '']]))).toEqual({ refused: [] });
    } finally {
      await store.clear();
      await redis.quit();
    }
  });
});

describe("the Redis store's decay frames (APPLY_DELTAS keeps step with src/recommend/decay.ts)", () => {
  const HOUR = 3_600_000;
  const covisAt = (offset: number, to: string, weight: number, at: number, halfLifeHours: number): PositionedDelta => {
    const { value, frame } = decayedWeight(weight, at, halfLifeHours);
    return { offset, delta: { kind: 'covis', from: 'a', to, incr: value, frame } };
  };

  test("gives the memory store's scores for the same batches, across rebases, half-life changes and old events", async () => {
    const seed = 1129;
    const next = seededRandom(seed);
    const redis = new Redis(url);
    const store = new RedisStore(redis, uniqueId('frames'));
    const memory = new MemoryStore();
    try {
      let at = Date.UTC(2032, 2, 1);
      let halfLife = 24;
      let offset = 0;
      for (let b = 0; b < 300; b++) {
        at += Math.floor(next() * 40) * HOUR;
        if (next() < 0.05) halfLife = [1, 6, 24, 168][Math.floor(next() * 4)]!;
        // Some events are late (up to two days old), as events from another partition can be.
        const batch = Array.from({ length: 1 + Math.floor(next() * 4) }, () =>
          covisAt(offset++, `p${Math.floor(next() * 15)}`, 1 + Math.floor(next() * 5), at - Math.floor(next() * 48) * HOUR, halfLife),
        );
        await Promise.all([store.applyDeltas('s/0', batch), memory.applyDeltas('s/0', batch)]);
      }
      const [fromRedis, fromMemory] = await Promise.all([store.alsoViewed(['a'], 100), memory.alsoViewed(['a'], 100)]);
      const [r, m] = [fromRedis.get('a')!, fromMemory.get('a')!];
      expect(m.length).toBeGreaterThan(3);
      try {
        expect(r.map((s) => s.id)).toEqual(m.map((s) => s.id));
        r.forEach((s, i) => expect(s.score / m[i]!.score).toBeCloseTo(1, 12));
      } catch (err) {
        throw new Error(`seed ${seed}: ${(err as Error).message}`, { cause: err });
      }
    } finally {
      await store.clear();
      await redis.quit();
    }
  });

  test('a list written under the old global landmark joins its frame at the same scale', async () => {
    const redis = new Redis(url);
    const prefix = uniqueId('legacy');
    const store = new RedisStore(redis, prefix);
    try {
      // Before frames, a score was w * 2^((t - L) / H) for one landmark L kept at <prefix>:landmark.
      const landmark = Date.UTC(2025, 0, 1);
      const t0 = landmark + 30 * 24 * HOUR;
      await redis.set(store.keys.legacyLandmark, String(landmark));
      await redis.zadd(store.keys.covis('a'), 3 * 2 ** ((t0 - landmark) / (168 * HOUR)), 'old');
      const t1 = t0 + 7 * 24 * HOUR; // one half-life later
      await store.applyDeltas('s/0', [covisAt(0, 'new', 3, t1, 168)]);
      const scores = new Map((await store.alsoViewed(['a'], 10)).get('a')!.map((s) => [s.id, s.score]));
      expect(scores.get('new')! / scores.get('old')!).toBeCloseTo(2, 9);
    } finally {
      await store.clear();
      await redis.quit();
    }
  });
});
