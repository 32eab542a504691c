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
type Scored = { score: number; product: { id: string } };
type EventAnswer = { accepted: boolean; eventId: string | null; error: { code: string; message: string; field: string | null } | null };
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
      await eventually(
        () => gql(gateway.url, `query($p: ID!) { similarProducts(productId: $p) { product { id } } }`, { p: shoes }),
        (r) => (r.data?.similarProducts ?? []).length >= 2,
      );

      const client = wsClient(gateway.wsUrl);
      const sub = subscribe<RecsMsg>(client, OPS.recommendationsUpdated, { userId: shopper, limit: 10 });
      try {
        await sub.until((m) => m.length >= 1); // the current list comes first
        expect((await view(shopper, shoes)).data?.trackView.accepted).toBe(true);
        await sub.until((m) => m.some((x) => x.data?.recommendationsUpdated.items.some((i) => i.product.id === socks && i.reason === 'ALSO_VIEWED')));
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
      const after = await eventually(
        () => gql(gateway.url, OPS.recommendations, { userId: shopper, limit: 10 }),
        (r) => (r.data?.recommendations.items ?? []).some((i: Item) => i.product.id === polish && i.reason === 'ALSO_VIEWED'),
      );
      expect(after.data?.recommendations.version).toBeGreaterThan(before.data?.recommendations.version);
      // Fresh now: asking again answers the stored list as it is.
      const again = await gql(gateway.url, OPS.recommendations, { userId: shopper, limit: 10 });
      expect(again.data?.recommendations.version).toBe(after.data?.recommendations.version);
    });

    test('a newcomer subscribing first gets a list at once (trending fills it)', async () => {
      const popular = uniqueId('popular');
      for (let i = 0; i < 3; i++) await view(uniqueId('fan'), popular);
      await eventually(
        () => gql(gateway.url, `{ trending(limit: 100) { product { id } } }`),
        (r) => (r.data?.trending ?? []).some((t: Item) => t.product.id === popular),
      );
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

    const trackEvents = (input: Record<string, unknown>[]) => gql<{ trackEvents: EventAnswer[] }>(gateway.url, OPS.trackEvents, { input });
    const ids = (list: Scored[] | undefined) => (list ?? []).map((s) => s.product.id);
    const similar = async (p: string) =>
      ids((await gql(gateway.url, `query($p: ID!) { similarProducts(productId: $p, limit: 20) { score product { id } } }`, { p })).data?.similarProducts);
    const together = async (p: string) =>
      ids((await gql(gateway.url, `query($p: ID!) { boughtTogether(productId: $p, limit: 20) { score product { id } } }`, { p })).data?.boughtTogether);
    const trendingScore = async (p: string) =>
      ((await gql(gateway.url, `{ trending(limit: 100) { score product { id } } }`)).data?.trending as Scored[] | undefined)?.find((t) => t.product.id === p)
        ?.score ?? null;

    test('a mixed batch is answered per event, in input order, and scored like the same events sent one by one', async () => {
      // The same story twice over disjoint products: once through the single mutations, once in one batch.
      const story = (tag: string) => {
        const [shopper, other] = [uniqueId(`${tag}-shopper`), uniqueId(`${tag}-other`)];
        const [shoes, socks, laces, polish] = ['shoes', 'socks', 'laces', 'polish'].map((p) => uniqueId(`${tag}-${p}`)) as [string, string, string, string];
        const events = [
          { type: 'VIEW', userId: other, productId: shoes, eventId: uniqueId('e') },
          { type: 'VIEW', userId: other, productId: socks, eventId: uniqueId('e') },
          { type: 'ADD_TO_CART', userId: shopper, productId: shoes, quantity: 2, eventId: uniqueId('e') },
          {
            type: 'PURCHASE',
            userId: shopper,
            orderId: uniqueId('o'),
            items: [{ productId: laces, price: 3.5 }, { productId: polish }],
            eventId: uniqueId('e'),
          },
        ];
        return { shoes, socks, laces, polish, events };
      };
      const single = story('single');
      const OP = {
        VIEW: ['trackView', OPS.trackView],
        ADD_TO_CART: ['trackAddToCart', OPS.trackAddToCart],
        PURCHASE: ['trackPurchase', OPS.trackPurchase],
      } as const;
      for (const { type, ...input } of single.events) {
        const [name, op] = OP[type as keyof typeof OP];
        expect((await gql(gateway.url, op, { input })).data?.[name]).toEqual({ accepted: true, eventId: input.eventId });
      }
      const batch = story('batch');
      const res = await trackEvents(batch.events);
      expect(res.errors).toBeUndefined();
      expect(res.data?.trackEvents).toEqual(batch.events.map((e) => ({ accepted: true, eventId: e.eventId, error: null })));

      // Views make co-visitation, the purchase makes bought-together, both paths alike.
      const learned = async (s: ReturnType<typeof story>) => {
        const [seen, bought] = [await similar(s.shoes), await together(s.laces)];
        return { seen: seen.includes(s.socks), bought: bought.includes(s.polish) };
      };
      await eventually(
        () => learned(single),
        (l) => l.seen && l.bought,
      );
      expect(
        await eventually(
          () => learned(batch),
          (l) => l.seen && l.bought,
        ),
      ).toEqual({ seen: true, bought: true });
      // The same neighbours on both sides once all is scored (as sets: tied scores are ordered by the random ids).
      const relabel = (list: string[], s: ReturnType<typeof story>) =>
        list.map((id) => ({ [s.shoes]: 'shoes', [s.socks]: 'socks', [s.laces]: 'laces', [s.polish]: 'polish' })[id] ?? id).sort();
      const sides = async () =>
        JSON.stringify([
          [relabel(await similar(batch.shoes), batch), relabel(await together(batch.laces), batch)],
          [relabel(await similar(single.shoes), single), relabel(await together(single.laces), single)],
        ]);
      const [batchSide, singleSide] = JSON.parse(
        await eventually(sides, (x) => {
          const [a, b] = JSON.parse(x);
          return JSON.stringify(a) === JSON.stringify(b);
        }),
      ) as unknown[];
      expect(batchSide).toEqual(singleSide);
    });

    test('one bad event among good ones is refused alone, naming its field, and only the good ones reach the log', async () => {
      const before = await target.loggedEvents(gateway);
      const user = uniqueId('u');
      const res = await trackEvents([
        { type: 'VIEW', userId: user, productId: 'p-1' },
        { type: 'VIEW', userId: user, productId: '', eventId: 'kept-id' },
        { type: 'ADD_TO_CART', userId: user, productId: 'p-2', quantity: 3 },
        { type: 'VIEW', userId: user, productId: 'p-3', orderId: 'o-1' },
        { type: 'PURCHASE', userId: user, orderId: 'o-2', items: [{ productId: 'p-4', price: -1 }] },
        { type: 'PURCHASE', userId: user, orderId: 'o-3', items: [{ productId: 'p-5' }] },
      ]);
      expect(res.errors).toBeUndefined();
      const answers = res.data!.trackEvents;
      expect(answers.map((a) => a.accepted)).toEqual([true, false, true, false, false, true]);
      expect(answers.map((a) => a.error?.field ?? null)).toEqual([null, 'input[1].productId', null, 'input[3].orderId', 'input[4].items[0].price', null]);
      for (const i of [1, 3, 4]) {
        expect(answers[i]!.error!.code).toBe('BAD_USER_INPUT');
        expect(answers[i]!.error!.message).toContain(answers[i]!.error!.field);
      }
      expect(answers[1]!.eventId).toBe('kept-id'); // the client's own id, to match the answer to its event
      expect(await target.loggedEvents(gateway)).toBe(before + 3);
    });

    test('more than 500 events are refused whole with one error, and nothing reaches the log', async () => {
      const before = await target.loggedEvents(gateway);
      const events = Array.from({ length: 501 }, (_, i) => ({ type: 'VIEW', userId: `u${i}`, productId: 'p-1' }));
      const res = await trackEvents(events);
      expect(res.data?.trackEvents ?? null).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.message).toMatch(/^input: at most 500 events per call, got 501/);
      expect(await target.loggedEvents(gateway)).toBe(before);
    });

    test('500 events of a realistic shape pass the body, cost and token limits and are all accepted', async () => {
      const at = new Date().toISOString();
      const events = Array.from({ length: 500 }, (_, i) => ({
        type: 'PURCHASE',
        userId: uniqueId(`buyer${i % 25}`),
        sessionId: uniqueId('session'),
        occurredAt: at,
        eventId: `${uniqueId('evt')}-0000-4000-8000-${String(i).padStart(12, '0')}`,
        orderId: uniqueId('order'),
        items: [
          { productId: 'p-1', quantity: 1, price: 19.99 },
          { productId: 'p-2', quantity: 2, price: 5.5 },
          { productId: 'p-3', quantity: 1, price: 100 },
        ],
      }));
      const res = await trackEvents(events);
      expect(res.errors).toBeUndefined();
      expect(res.data!.trackEvents.filter((a) => !a.accepted)).toEqual([]);
      expect(res.data!.trackEvents.map((a) => a.eventId)).toEqual(events.map((e) => e.eventId));
    });

    test('an event sent again in a batch, or twice in one, leaves every score as after once', async () => {
      const [user, product, marker] = [uniqueId('u'), uniqueId('p'), uniqueId('marker')];
      const event = { type: 'VIEW', userId: user, productId: product, eventId: uniqueId('e') };
      expect(res0(await trackEvents([event]))).toEqual([true]);
      const once = await eventually(
        () => trendingScore(product),
        (s) => s !== null,
      );
      expect(res0(await trackEvents([event, event]))).toEqual([true, true]);
      expect(res0(await trackEvents([event, { type: 'VIEW', userId: user, productId: marker }]))).toEqual([true, true]);
      // Same user, same partition: once the marker is scored, every copy before it was too.
      await eventually(
        () => trendingScore(marker),
        (s) => s !== null,
      );
      expect(await trendingScore(product)).toBe(once);
    });
    const res0 = (r: { data?: { trackEvents: EventAnswer[] } }) => r.data?.trackEvents.map((a) => a.accepted);

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
      [
        'trackPurchase',
        OPS.trackPurchase,
        { userId: 'u', orderId: 'o', items: Array.from({ length: 101 }, (_, i) => ({ productId: `p${i}` })) },
        'input.items',
      ],
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
