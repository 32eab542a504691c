import { DEMO_CATALOG } from '../../../src/demo/catalog';
import { trackRequest } from '../../../src/demo/simulate/requests';
import { createShoppers, nextEvent, pickPopular, seededRandom, shopperPlan } from '../../../src/demo/simulate/shoppers';

function take<T>(it: Iterator<T>, n: number): T[] {
  return Array.from({ length: n }, () => it.next().value as T);
}

describe('the synthetic shoppers', () => {
  it('make the same run from the same seed, and another from another seed', () => {
    const run = (seed: number) => {
      const random = seededRandom(seed);
      const [shopper] = createShoppers(1, DEMO_CATALOG, random, 'r');
      return Array.from({ length: 50 }, () => JSON.stringify(nextEvent(shopper!, DEMO_CATALOG, random, 'r')));
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('draw random numbers in [0, 1)', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const r = random();
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThan(1);
    }
  });

  it('pick the first items of a list more often than the last', () => {
    const random = seededRandom(3);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 5000; i++) counts[pickPopular([0, 1, 2, 3, 4], random)]! += 1;
    expect(counts[0]).toBeGreaterThan(counts[4]! * 3);
  });

  it('have distinct user and session ids', () => {
    const shoppers = createShoppers(120, DEMO_CATALOG, seededRandom(1), 'run1');
    expect(new Set(shoppers.map((s) => s.userId)).size).toBe(120);
    expect(shoppers[0]!.userId).toBe('shopper-001');
    expect(new Set(shoppers.map((s) => s.sessionId)).size).toBe(120);
  });

  it('mostly browse, sometimes cart what they just viewed, and buy only what is in their cart', () => {
    const random = seededRandom(9);
    const [shopper] = createShoppers(1, DEMO_CATALOG, random, 'r');
    const events = Array.from({ length: 3000 }, () => nextEvent(shopper!, DEMO_CATALOG, random, 'r'));
    const count = (t: string) => events.filter((e) => e.type === t).length;
    expect(count('view')).toBeGreaterThan(count('cart'));
    expect(count('cart')).toBeGreaterThan(count('purchase'));
    expect(count('purchase')).toBeGreaterThan(0);
    const ids = new Set(DEMO_CATALOG.map((p) => p.id));
    let viewed: string | null = null;
    let cart: string[] = [];
    for (const e of events) {
      if (e.type === 'view') {
        expect(ids.has(e.productId)).toBe(true);
        viewed = e.productId;
      } else if (e.type === 'cart') {
        expect(e.productId).toBe(viewed);
        cart.push(e.productId);
      } else {
        expect(e.items.map((i) => i.productId)).toEqual(cart);
        for (const i of e.items) expect(i.price).toEqual(DEMO_CATALOG.find((p) => p.id === i.productId)!.price);
        cart = [];
      }
    }
  });

  it('are paced evenly at the chosen rate', () => {
    const plan = take(shopperPlan({ users: 3, rate: 4, seed: 1, catalog: DEMO_CATALOG, runId: 'r' }), 5);
    expect(plan.map((p) => p.at)).toEqual([0, 250, 500, 750, 1000]);
  });
});

describe('a track request', () => {
  const now = new Date('2025-01-02T03:04:05.000Z');

  it("sends a view through the client's trackView (the contract TrackView mutation), stamped now", () => {
    expect(trackRequest({ type: 'view', userId: 'u1', productId: 'p1', sessionId: 's1' }, now)).toEqual({
      userId: 'u1',
      operation: 'trackView',
      variables: { input: { userId: 'u1', productId: 'p1', sessionId: 's1', occurredAt: '2025-01-02T03:04:05.000Z' } },
    });
  });

  it('sends a cart event with quantity 1 and leaves out a missing session', () => {
    const r = trackRequest({ type: 'cart', userId: 'u1', productId: 'p1' }, now);
    expect(r.operation).toBe('trackAddToCart');
    expect(r.variables.input).toEqual({ userId: 'u1', productId: 'p1', quantity: 1, occurredAt: now.toISOString() });
  });

  it('sends a purchase with its order id, and prices only where known', () => {
    const r = trackRequest({ type: 'purchase', userId: 'u1', orderId: 'o1', items: [{ productId: 'a', price: 2.5 }, { productId: 'b' }] }, now);
    expect(r.operation).toBe('trackPurchase');
    expect(r.variables.input).toEqual({
      userId: 'u1',
      orderId: 'o1',
      occurredAt: now.toISOString(),
      items: [
        { productId: 'a', quantity: 1, price: 2.5 },
        { productId: 'b', quantity: 1 },
      ],
    });
  });
});
