import { MemoryStore } from '../../../src/store/memoryStore';
import { createReadCache } from '../../../src/streams/readCache';

describe("a batch's read cache", () => {
  test('concurrent refreshes share one store read per key and get what the store answers', async () => {
    const store = new MemoryStore();
    await store.applyDeltas('t/0', [
      { offset: 1, delta: { kind: 'covis', from: 'a', to: 'b', incr: 2 } },
      { offset: 2, delta: { kind: 'covis', from: 'a', to: 'c', incr: 1 } },
      { offset: 3, delta: { kind: 'covis', from: 'd', to: 'a', incr: 1 } },
    ] as never);
    const calls: string[][] = [];
    const counting = Object.assign(Object.create(store) as MemoryStore, {
      alsoViewed: (ids: string[], limit: number) => {
        calls.push([...ids]);
        return store.alsoViewed(ids, limit);
      },
    });
    const cached = createReadCache(counting);
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
    const cached = createReadCache(store);
    const items = await cached.recentItems(['u1', 'u2'], 5);
    expect([...items.keys()]).toEqual(['u1']);
    const put = await cached.putRecs('u1', { generatedAt: new Date(0).toISOString(), strategy: 'personalized', arm: null, items: [] });
    expect((await store.getRecs('u1'))?.version).toBe(put.recs?.version);
  });
});
