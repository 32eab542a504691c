import { MemoryStore } from '../../../src/store/memoryStore';
import { createReadCache } from '../../../src/streams/readCache';
import { FIXED_FRAME } from '../../helpers/decay';

describe("the scorer's read cache", () => {
  test('concurrent refreshes share one store read per key and get what the store answers', async () => {
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
    const [first, second, third] = await Promise.all([
      cached.alsoViewed(['a', 'd'], 10),
      cached.alsoViewed(['a'], 10),
      cached.alsoViewed(['d', 'x'], 10),
    ]);
    expect(calls).toEqual([['a', 'd'], ['x']]);
    expect(first).toEqual(await store.alsoViewed(['a', 'd'], 10));
    expect(second.get('a')).toEqual((await store.alsoViewed(['a'], 10)).get('a'));
    expect(third).toEqual(await store.alsoViewed(['d', 'x'], 10));
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
