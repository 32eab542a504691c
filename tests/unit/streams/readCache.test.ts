import { MemoryStore } from '../../../src/store/memoryStore';
import { createReadCache } from '../../../src/streams/readCache';
import { FIXED_FRAME } from '../../helpers/decay';

describe("the scorer's read cache", () => {
  test('the keys concurrent refreshes miss in one tick go to the store in one read, and each gets what the store answers', async () => {
    const store = new MemoryStore();
    await store.applyDeltas('t/0', [
      { offset: 1, delta: { kind: 'covis', from: 'a', to: 'b', incr: 2, frame: FIXED_FRAME } },
      { offset: 2, delta: { kind: 'covis', from: 'a', to: 'c', incr: 1, frame: FIXED_FRAME } },
      { offset: 3, delta: { kind: 'covis', from: 'd', to: 'a', incr: 1, frame: FIXED_FRAME } },
    ] as never);
    const calls: string[][] = [];
    const counting = Object.assign(Object.create(store) as MemoryStore, {
      alsoViewed: (ids: string[], limit: number) => {
        calls.push([...ids]);
        return store.alsoViewed(ids, limit);
      },
    });
    const cached = createReadCache(counting, { ttlMs: 1000, maxEntries: 100 });
    const [first, second, third] = await Promise.all([cached.alsoViewed(['a', 'd'], 10), cached.alsoViewed(['a'], 10), cached.alsoViewed(['d', 'x'], 10)]);
    expect(calls).toEqual([['a', 'd', 'x']]);
    expect(first).toEqual(await store.alsoViewed(['a', 'd'], 10));
    expect(second.get('a')).toEqual((await store.alsoViewed(['a'], 10)).get('a'));
    expect(third).toEqual(await store.alsoViewed(['d', 'x'], 10));
  });

  test('callers resuming in the same tick (after a shared read) share their next read too; a warm key is not asked again', async () => {
    const store = new MemoryStore();
    const calls: string[][] = [];
    const counting = Object.assign(Object.create(store) as MemoryStore, {
      recentItems: (ids: string[], limit: number) => {
        calls.push([...ids]);
        return store.recentItems(ids, limit);
      },
    });
    const cached = createReadCache(counting, { ttlMs: 1000, maxEntries: 100 });
    const twoSteps = (first: string, second: string) => cached.recentItems([first], 5).then(() => cached.recentItems([second], 5));
    await Promise.all([twoSteps('u1', 'u3'), twoSteps('u2', 'u4'), twoSteps('u1', 'u4')]);
    expect(calls).toEqual([
      ['u1', 'u2'],
      ['u3', 'u4'],
    ]);
    await cached.recentItems(['u4', 'u1'], 5);
    expect(calls).toHaveLength(2);
  });

  test('a failed read fails every caller waiting on it and is asked again by the next', async () => {
    const store = new MemoryStore();
    let fail = true;
    let reads = 0;
    const flaky = Object.assign(Object.create(store) as MemoryStore, {
      boughtTogether: (ids: string[], limit: number) => {
        reads += 1;
        return fail ? Promise.reject(new Error('redis went away')) : store.boughtTogether(ids, limit);
      },
    });
    const cached = createReadCache(flaky, { ttlMs: 60_000, maxEntries: 100 });
    const results = await Promise.allSettled([cached.boughtTogether(['a'], 5), cached.boughtTogether(['a', 'b'], 5)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect((await cached.boughtTogether(['a'], 5)).get('a')).toEqual([]);
    expect(reads).toBe(2);
  });

  test('users without recent items stay absent, and writes pass straight through', async () => {
    const store = new MemoryStore();
    await store.saveUsers(new Map([['u1', { recent: [{ p: 'a', t: 1 }], cart: [], purchased: [], cats: {}, seen: [] }]]));
    const cached = createReadCache(store, { ttlMs: 1000, maxEntries: 100 });
    const items = await cached.recentItems(['u1', 'u2'], 5);
    expect([...items.keys()]).toEqual(['u1']);
    const put = await cached.putRecs('u1', { generatedAt: new Date(0).toISOString(), strategy: 'personalized', arm: null, items: [] });
    expect((await store.readRecs('u1')).recs?.version).toBe(put.recs?.version);
  });

  test('a read answers later callers until it is older than the time bound, then the store is asked again', async () => {
    const store = new MemoryStore();
    let now = 0;
    let reads = 0;
    const counting = Object.assign(Object.create(store) as MemoryStore, {
      trending: (cats: (string | null)[], limit: number) => {
        reads += 1;
        return store.trending(cats, limit);
      },
    });
    const cached = createReadCache(counting, { ttlMs: 500, maxEntries: 100, now: () => now });
    await cached.trending([null], 10);
    await store.applyDeltas('t/0', [{ offset: 1, delta: { kind: 'trending', category: null, product: 'p', incr: 1, frame: FIXED_FRAME } }]);
    now = 500;
    expect((await cached.trending([null], 10)).get(null)).toEqual([]); // still the earlier read
    now = 501;
    expect((await cached.trending([null], 10)).get(null)).toEqual([{ id: 'p', score: 1 }]);
    expect(reads).toBe(2);
  });

  test('beyond its bound the cache forgets the oldest reads first', async () => {
    const store = new MemoryStore();
    const asked: string[] = [];
    const counting = Object.assign(Object.create(store) as MemoryStore, {
      alsoViewed: (ids: string[], limit: number) => {
        asked.push(...ids);
        return store.alsoViewed(ids, limit);
      },
    });
    const cached = createReadCache(counting, { ttlMs: 60_000, maxEntries: 2 });
    for (const id of ['a', 'b', 'c', 'b', 'a']) await cached.alsoViewed([id], 5);
    expect(asked).toEqual(['a', 'b', 'c', 'a']);
  });
});
