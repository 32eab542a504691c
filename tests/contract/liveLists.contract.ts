// Changes that are not the shopper's own events reach live lists, on every gateway: two gateways
// on the real stack share Redis (one server or a cluster), ZooKeeper and the consumer group;
// subscribers are spread over both. Run by tests/integration/liveloop/liveLists.real.test.ts and
// tests/integration/cluster/liveLoop.cluster.test.ts.
import { performance } from 'node:perf_hooks';
import type { Client as ZkClient } from 'node-zookeeper-client';
import type { Gateway } from '../../src/app';
import type { Env } from '../../src/config';
import { OPS, eventually, gql, startTestGateway, subscribe, uniqueId, wsClient } from '../helpers/gateway';
import { closeClient, connectedClient, writeFlag } from '../integration/flags/zkTestKit';

const SUBSCRIBERS = 1000;
const PER_SOCKET = 100;
const LIVE = `subscription($u: ID!) { recommendationsUpdated(userId: $u, limit: 20) { version strategy items { product { id } } } }`;
type Msg = { recommendationsUpdated: { version: number; strategy: string; items: { product: { id: string } }[] } };

/** `mode` names the Redis in the test titles; `baseEnv` is a real-stack namespace (realStackEnv() or clusterStackEnv()). */
export function liveListsContract(mode: string, baseEnv: () => Env): void {
  describe(`live lists on two gateways (${mode})`, () => {
    const env: Env = { ...baseEnv(), RECSYS_WS_MAX_SUBSCRIPTIONS: String(PER_SOCKET) };
    let gateways: Gateway[] = [];
    let zk: ZkClient;
    const clients: ReturnType<typeof wsClient>[] = [];

    beforeAll(async () => {
      gateways = [await startTestGateway(env), await startTestGateway(env)];
      zk = await connectedClient();
    });
    afterAll(async () => {
      for (const c of clients) await c.dispose();
      for (const g of gateways) await g.stop();
      if (zk) await closeClient(zk);
    });

    const openClient = (g: Gateway) => {
      const c = wsClient(g.wsUrl);
      clients.push(c);
      return c;
    };
    const ids = (m: Msg) => m.recommendationsUpdated.items.map((i) => i.product.id);
    const last = (received: { data?: Msg }[]) => received[received.length - 1]?.data;

    test("a subscription on one gateway gets the list its shopper's event, tracked on the other gateway, changed", async () => {
      const [a, b] = gateways as [Gateway, Gateway];
      const [shopper, item] = [uniqueId('crosser'), uniqueId('item')];
      for (let i = 0; i < 3; i++) expect((await gql(b.url, OPS.trackView, { input: { userId: uniqueId('fan'), productId: item } })).errors).toBeUndefined();
      await eventually(
        () => gql(b.url, `{ trending(limit: 5) { product { id } } }`),
        (r) => (r.data?.trending ?? []).some((t: { product: { id: string } }) => t.product.id === item),
      );
      // The newcomer's first list is trending, with the item in it; their own view of it takes it out (never the item just viewed).
      const sub = subscribe<Msg>(openClient(a), LIVE, { u: shopper });
      await sub.until((m) => m.some((x) => x.data !== undefined && ids(x.data).includes(item)));
      const before = last(sub.received)!.recommendationsUpdated.version;
      expect((await gql(b.url, OPS.trackView, { input: { userId: shopper, productId: item } })).errors).toBeUndefined();
      await sub.until((m) => {
        const d = last(m);
        return d !== undefined && d.recommendationsUpdated.version > before && !ids(d).includes(item);
      }, 15_000);
    });

    // Before the out-of-stock test: a sweep reads trending through a 500 ms cache (src/live/liveLists.ts),
    // and one that read it just before this test's products were viewed would re-push lists without them.
    test('a catalogue write on one gateway reaches the next push on both: a product renamed in the same write as another goes out of stock', async () => {
      const [a, b] = gateways as [Gateway, Gateway];
      const NAMED = `subscription($u: ID!) { recommendationsUpdated(userId: $u, limit: 20) { version items { product { id name } } } }`;
      type Named = { recommendationsUpdated: { version: number; items: { product: { id: string; name: string | null } }[] } };
      const [kept, gone] = [uniqueId('kept'), uniqueId('gone')];
      const upsert = (g: Gateway, p: object[]) => gql(g.url, `mutation($p: [ProductInput!]!) { upsertProducts(products: $p) }`, { p });
      expect(
        (
          await upsert(a, [
            { id: kept, name: 'Old name' },
            { id: gone, name: 'Going' },
          ])
        ).errors,
      ).toBeUndefined();
      for (const product of [kept, gone]) {
        for (let i = 0; i < 3; i++)
          expect((await gql(a.url, OPS.trackView, { input: { userId: uniqueId('fan'), productId: product } })).errors).toBeUndefined();
      }
      await eventually(
        () => gql(a.url, `{ trending(limit: 20) { product { id } } }`),
        (r) => [kept, gone].every((p) => (r.data?.trending ?? []).some((t: { product: { id: string } }) => t.product.id === p)),
      );
      const shows = (d: Named | undefined, id: string) => d?.recommendationsUpdated.items.find((i) => i.product.id === id)?.product;
      const latest = (m: { data?: Named }[]) => m[m.length - 1]?.data;
      // Newcomers on both gateways: trending, both products in it, `kept` under its old name (each push process has read it now).
      const subs = [a, b].map((g) => subscribe<Named>(openClient(g), NAMED, { u: uniqueId('reader') }));
      for (const s of subs) await s.until((m) => shows(latest(m), kept)?.name === 'Old name' && shows(latest(m), gone) !== undefined);
      const before = subs.map((s) => latest(s.received)!.recommendationsUpdated.version);

      expect(
        (
          await upsert(b, [
            { id: kept, name: 'New name' },
            { id: gone, name: 'Going', inStock: false },
          ])
        ).errors,
      ).toBeUndefined();
      // The out-of-stock re-push is the next push: it must show the name written with it, on either gateway.
      for (const [i, s] of subs.entries()) {
        await s.until((m) => (latest(m)?.recommendationsUpdated.version ?? 0) > before[i]!, 5_000);
        const next = s.received.find((x) => (x.data?.recommendationsUpdated.version ?? 0) > before[i]!)!.data!;
        expect(shows(next, gone)).toBeUndefined();
        expect(shows(next, kept)).toEqual({ id: kept, name: 'New name' });
      }
    });

    test('a product taken out of stock on one gateway is re-pushed out of the lists that hold it, on both gateways', async () => {
      const [a, b] = gateways as [Gateway, Gateway];
      const hot = uniqueId('hot');
      await gql(a.url, `mutation($p: [ProductInput!]!) { upsertProducts(products: $p) }`, { p: [{ id: hot, name: 'Hot item' }] });
      for (let i = 0; i < 3; i++) expect((await gql(a.url, OPS.trackView, { input: { userId: uniqueId('fan'), productId: hot } })).errors).toBeUndefined();
      await eventually(
        () => gql(a.url, `{ trending(limit: 5) { product { id } } }`),
        (r) => (r.data?.trending ?? []).some((t: { product: { id: string } }) => t.product.id === hot),
      );

      // Newcomers: their first list is trending, with the hot product in it.
      const subs = [a, b].map((g) => subscribe<Msg>(openClient(g), LIVE, { u: uniqueId('watcher') }));
      for (const s of subs) await s.until((m) => m.some((x) => x.data !== undefined && ids(x.data).includes(hot)));

      const before = subs.map((s) => last(s.received)!.recommendationsUpdated.version); // taken before the write: the push may beat its answer
      const res = await gql(b.url, `mutation($p: [ProductInput!]!) { upsertProducts(products: $p) }`, { p: [{ id: hot, name: 'Hot item', inStock: false }] });
      expect(res.errors).toBeUndefined();
      for (const [i, s] of subs.entries()) {
        await s.until((m) => {
          const d = last(m);
          return d !== undefined && d.recommendationsUpdated.version > before[i]! && !ids(d).includes(hot);
        }, 5_000);
      }
    });

    test(`a recs.strategy change in ZooKeeper re-pushes every one of ${SUBSCRIBERS} subscribed lists (the time it took is printed), and a list nobody watches is stale on its next read`, async () => {
      const root = env.ZOOKEEPER_ROOT!;
      // A list stored before the change, with nobody subscribed.
      const idle = uniqueId('idle');
      const before = await gql(gateways[0]!.url, `query($u: ID!) { recommendations(userId: $u) { strategy version } }`, { u: idle });
      expect(before.data?.recommendations.strategy).toBe('trending'); // a newcomer's list serves trending under either flag value

      const subs: ReturnType<typeof subscribe<Msg>>[] = [];
      for (let i = 0; i < SUBSCRIBERS / PER_SOCKET; i++) {
        const client = openClient(gateways[i % gateways.length]!);
        for (let j = 0; j < PER_SOCKET; j++) subs.push(subscribe<Msg>(client, LIVE, { u: uniqueId(`s${i}-${j}`) }));
      }
      await Promise.all(subs.map((s) => s.until((m) => m.some((x) => x.data !== undefined), 60_000)));
      // Their lists serve trending under either flag value: the re-push shows as a newer version.
      const firsts = subs.map((s) => last(s.received)!.recommendationsUpdated.version);

      const started = performance.now();
      await writeFlag(zk, root, 'recs.strategy', '"trending"');
      const reached = await Promise.all(
        subs.map((s, i) => s.until((m) => (last(m)?.recommendationsUpdated.version ?? 0) > firsts[i]!, 30_000).then(() => performance.now() - started)),
      );
      reached.sort((x, y) => x - y);
      const p50 = reached[Math.floor(reached.length / 2)]!;
      const max = reached[reached.length - 1]!;
      console.log(`flag change to ${SUBSCRIBERS} subscribers on 2 gateways: p50 ${p50.toFixed(0)} ms, max ${max.toFixed(0)} ms`);

      const after = await gql(gateways[1]!.url, `query($u: ID!) { recommendations(userId: $u) { strategy version } }`, { u: idle });
      expect(after.data?.recommendations.strategy).toBe('trending');
      expect(after.data?.recommendations.version).toBeGreaterThan(before.data?.recommendations.version);
    });
  });
}
