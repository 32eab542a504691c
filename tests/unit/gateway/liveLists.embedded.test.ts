// Embedded mode: a product taken out of stock is re-pushed out of subscribed lists through the
// whole gateway; a flag change re-pushes every subscribed list (the embedded flags come from a
// file read at start, so the change is made on the flags the live-lists module reads).
import { performance } from 'node:perf_hooks';
import type { Gateway } from '../../../src/app';
import { decayedWeight } from '../../../src/recommend/decay';
import { defaultFlags, type RecFlags } from '../../../src/flags/definitions';
import { LocalSubscribers } from '../../../src/live/localSubscribers';
import { startLiveLists } from '../../../src/live/liveLists';
import { LiveHub } from '../../../src/live/liveHub';
import { Recommender } from '../../../src/recommender/recommender';
import { MemoryStore } from '../../../src/store/memoryStore';
import type { StoredRecs } from '../../../src/store/types';
import { OPS, eventually, gql, startTestGateway, subscribe, uniqueId, wsClient } from '../../helpers/gateway';

jest.setTimeout(30_000);

type Msg = { recommendationsUpdated: { version: number; items: { product: { id: string } }[] } };
const LIVE = `subscription($u: ID!) { recommendationsUpdated(userId: $u, limit: 20) { version items { product { id } } } }`;

describe('an embedded gateway', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startTestGateway({});
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test('re-pushes a subscribed list without the product that upsertProducts took out of stock', async () => {
    const hot = uniqueId('hot');
    for (let i = 0; i < 3; i++) await gql(gateway.url, OPS.trackView, { input: { userId: uniqueId('fan'), productId: hot } });
    await eventually(
      () => gql(gateway.url, `{ trending(limit: 5) { product { id } } }`),
      (r) => (r.data?.trending ?? []).some((t: { product: { id: string } }) => t.product.id === hot),
    );
    const client = wsClient(gateway.wsUrl);
    try {
      const sub = subscribe<Msg>(client, LIVE, { u: uniqueId('watcher') });
      await sub.until((m) => m.some((x) => x.data?.recommendationsUpdated.items.some((i) => i.product.id === hot) ?? false));
      const before = sub.received[sub.received.length - 1]!.data!.recommendationsUpdated.version; // before the write: the push may beat its answer
      const res = await gql(gateway.url, `mutation($p: [ProductInput!]!) { upsertProducts(products: $p) }`, { p: [{ id: hot, name: 'Hot', inStock: false }] });
      expect(res.errors).toBeUndefined();
      await sub.until((m) => {
        const d = m[m.length - 1]?.data?.recommendationsUpdated;
        return d !== undefined && d.version > before && !d.items.some((i) => i.product.id === hot);
      }, 5_000);
    } finally {
      await client.dispose();
    }
  });
});

test('a strategy change re-pushes every one of 1,000 subscribed lists of the memory store (the time it took is printed)', async () => {
  const store = new MemoryStore();
  await store.applyDeltas('t', [
    { offset: 0, delta: { kind: 'trending', category: null, product: 'p1', incr: 3, frame: decayedWeight(1, Date.now(), 168).frame } },
  ]);
  let flags: RecFlags = defaultFlags();
  const recommender = new Recommender({ store, flags: () => flags });
  const subscribers = new LocalSubscribers();
  const hub = new LiveHub({ feed: subscribers.track(store), recommender });
  const live = startLiveLists({ store, recommender, flags: () => flags, subscribers, catalog: store });
  const latest = new Map<string, StoredRecs>();
  const iterators = await Promise.all(
    Array.from({ length: 1000 }, async (_, i) => {
      const it = await hub.open(`u${i}`);
      void (async () => {
        for await (const recs of it) latest.set(recs.userId, recs);
      })();
      return it;
    }),
  );
  try {
    await eventually(
      async () => latest.size,
      (n) => n === 1000,
    );
    // Newcomers: their lists serve trending under either flag value, so the re-push shows as a newer version.
    const before = new Map([...latest].map(([u, r]) => [u, r.version]));
    const started = performance.now();
    flags = { ...flags, 'recs.strategy': 'trending' };
    await eventually(
      async () => [...latest].filter(([u, r]) => r.version > before.get(u)!).length,
      (n) => n === 1000,
      30_000,
      10,
    );
    const ms = performance.now() - started;
    console.log(`embedded: flag change re-pushed 1,000 lists in ${ms.toFixed(0)} ms`);
  } finally {
    await Promise.all(iterators.map((it) => it.return?.()));
    await live.stop();
  }
});
