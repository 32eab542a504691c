// The behaviour every deployment mode must show, run against the embedded stand-ins (unit
// project) and against the real Kafka, Redis and ZooKeeper (integration project).
import type { Env } from '../../src/config';
import type { Gateway } from '../../src/app';
import { OPS, eventually, gql, startTestGateway, subscribe, uniqueId, wsClient } from '../helpers/gateway';

export interface LiveLoopTarget {
  env: () => Env;
  /** How many events the log holds so far (to prove refused input never reaches it). */
  loggedEvents: (gateway: Gateway) => Promise<number>;
}

type Item = { reason: string; product: { id: string } };
type RecsMsg = { recommendationsUpdated: { version: number; items: Item[] } };

export function liveLoopContract(mode: string, target: LiveLoopTarget): void {
  describe(`the live loop (${mode})`, () => {
    let gateway: Gateway;
    beforeAll(async () => {
      gateway = await startTestGateway(target.env());
    });
    afterAll(async () => {
      await gateway?.stop();
    });

    const view = (userId: string, productId: string) => gql(gateway.url, OPS.trackView, { input: { userId, productId } });

    test('a track mutation is accepted with the event id the client gave', async () => {
      const eventId = uniqueId('evt');
      const res = await gql(gateway.url, OPS.trackView, { input: { userId: uniqueId('u'), productId: 'p-1', eventId } });
      expect(res.errors).toBeUndefined();
      expect(res.data?.trackView).toEqual({ accepted: true, eventId });
    });

    test("a subscriber's own view pushes a list holding what others viewed next, with reason ALSO_VIEWED", async () => {
      const [shopper, other] = [uniqueId('shopper'), uniqueId('other')];
      const [shoes, socks, laces] = [uniqueId('shoes'), uniqueId('socks'), uniqueId('laces')];
      // Another shopper's session builds co-visitation: shoes -> socks -> laces.
      for (const p of [shoes, socks, laces]) expect((await view(other, p)).errors).toBeUndefined();
      await eventually(() => gql(gateway.url, `query($p: ID!) { similarProducts(productId: $p) { product { id } } }`, { p: shoes }),
        (r) => (r.data?.similarProducts ?? []).length >= 2);

      const client = wsClient(gateway.wsUrl);
      const sub = subscribe<RecsMsg>(client, OPS.recommendationsUpdated, { userId: shopper, limit: 10 });
      try {
        await sub.until((m) => m.length >= 1); // the current list comes first
        expect((await view(shopper, shoes)).data?.trackView.accepted).toBe(true);
        await sub.until((m) =>
          m.some((x) => x.data?.recommendationsUpdated.items.some((i) => i.product.id === socks && i.reason === 'ALSO_VIEWED')),
        );
        const versions = sub.received.map((m) => m.data!.recommendationsUpdated.version);
        expect([...versions].sort((a, b) => a - b)).toEqual(versions);
        expect(new Set(versions).size).toBe(versions.length);
        const last = sub.received[sub.received.length - 1]!.data!.recommendationsUpdated;
        expect(last.items.map((i) => i.product.id)).not.toContain(shoes); // never the item just viewed

        // The query answers the same list the subscription pushed.
        const queried = await gql(gateway.url, OPS.recommendations, { userId: shopper, limit: 10 });
        expect(queried.data?.recommendations.version).toBe(last.version);
        expect(queried.data?.recommendations.items.map((i: Item) => i.product.id)).toEqual(last.items.map((i) => i.product.id));
      } finally {
        sub.dispose();
        await client.dispose();
      }
    });

    test('a shopper nobody is subscribed to gets a list that reflects their newest view when they ask', async () => {
      const [shopper, other] = [uniqueId('shopper'), uniqueId('other')];
      const [boots, polish] = [uniqueId('boots'), uniqueId('polish')];
      for (const p of [boots, polish]) expect((await view(other, p)).errors).toBeUndefined();
      const before = await gql(gateway.url, OPS.recommendations, { userId: shopper, limit: 10 });
      expect(before.errors).toBeUndefined();

      expect((await view(shopper, boots)).data?.trackView.accepted).toBe(true);
      // The scorer only marks the list stale (nobody watches it); the read recomputes it.
      const after = await eventually(() => gql(gateway.url, OPS.recommendations, { userId: shopper, limit: 10 }), (r) =>
        (r.data?.recommendations.items ?? []).some((i: Item) => i.product.id === polish && i.reason === 'ALSO_VIEWED'));
      expect(after.data?.recommendations.version).toBeGreaterThan(before.data?.recommendations.version);
      // Fresh now: asking again answers the stored list as it is.
      const again = await gql(gateway.url, OPS.recommendations, { userId: shopper, limit: 10 });
      expect(again.data?.recommendations.version).toBe(after.data?.recommendations.version);
    });

    test('a newcomer subscribing first gets a list at once (trending fills it)', async () => {
      const popular = uniqueId('popular');
      for (let i = 0; i < 3; i++) await view(uniqueId('fan'), popular);
      await eventually(() => gql(gateway.url, `{ trending(limit: 100) { product { id } } }`), (r) =>
        (r.data?.trending ?? []).some((t: Item) => t.product.id === popular));
      const client = wsClient(gateway.wsUrl);
      const sub = subscribe<RecsMsg>(client, OPS.recommendationsUpdated, { userId: uniqueId('newcomer'), limit: 100 });
      try {
        await sub.until((m) => m.length >= 1);
        const first = sub.received[0]!.data!.recommendationsUpdated;
        expect(first.items.some((i) => i.reason === 'TRENDING')).toBe(true);
      } finally {
        sub.dispose();
        await client.dispose();
      }
    });

    const now = Date.now();
    const BAD: [string, string, Record<string, unknown>, string][] = [
      ['trackView', OPS.trackView, { userId: '', productId: 'p' }, 'input.userId'],
      ['trackView', OPS.trackView, { userId: 'x'.repeat(129), productId: 'p' }, 'input.userId'],
      ['trackView', OPS.trackView, { userId: 'has space', productId: 'p' }, 'input.userId'],
      ['trackView', OPS.trackView, { userId: 'u', productId: '' }, 'input.productId'],
      ['trackView', OPS.trackView, { userId: 'u', productId: 'p', sessionId: '' }, 'input.sessionId'],
      ['trackView', OPS.trackView, { userId: 'u', productId: 'p', eventId: 'bad\nid' }, 'input.eventId'],
      ['trackView', OPS.trackView, { userId: 'u', productId: 'p', occurredAt: new Date(now + 3_600_000).toISOString() }, 'input.occurredAt'],
      ['trackView', OPS.trackView, { userId: 'u', productId: 'p', occurredAt: new Date(now - 30 * 86_400_000).toISOString() }, 'input.occurredAt'],
      ['trackView', OPS.trackView, { userId: 'u', productId: 'p', occurredAt: 'yesterday' }, 'occurredAt'],
      ['trackAddToCart', OPS.trackAddToCart, { userId: 'u', productId: 'p', quantity: 0 }, 'input.quantity'],
      ['trackAddToCart', OPS.trackAddToCart, { userId: 'u', productId: 'p', quantity: 1001 }, 'input.quantity'],
      ['trackPurchase', OPS.trackPurchase, { userId: 'u', orderId: '', items: [{ productId: 'p' }] }, 'input.orderId'],
      ['trackPurchase', OPS.trackPurchase, { userId: 'u', orderId: 'o', items: [] }, 'input.items'],
      ['trackPurchase', OPS.trackPurchase, { userId: 'u', orderId: 'o', items: Array.from({ length: 101 }, (_, i) => ({ productId: `p${i}` })) }, 'input.items'],
      ['trackPurchase', OPS.trackPurchase, { userId: 'u', orderId: 'o', items: [{ productId: 'p', price: -1 }] }, 'input.items[0].price'],
      ['trackPurchase', OPS.trackPurchase, { userId: 'u', orderId: 'o', items: [{ productId: 'p', quantity: 0 }] }, 'input.items[0].quantity'],
      ['trackPurchase', OPS.trackPurchase, { userId: 'u', orderId: 'o', items: [{ productId: '' }] }, 'input.items[0].productId'],
    ];

    test('bad input for every field is refused with a message naming the field, and nothing reaches the log', async () => {
      const before = await target.loggedEvents(gateway);
      for (const [name, op, input, field] of BAD) {
        const res = await gql(gateway.url, op, { input });
        expect({ name, field, data: res.data?.[name] ?? null }).toEqual({ name, field, data: null });
        expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(res.errors?.[0]?.message).toContain(field);
      }
      expect(await target.loggedEvents(gateway)).toBe(before);
    });
  });
}
