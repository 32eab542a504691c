// Synthetic shoppers over the demo catalogue (pure, seeded): each has a favourite category,
// browses mostly there (popular items more often), wanders sometimes, carts what they looked at
// and now and then buys the cart. Enough structure for trending, also-viewed and bought-together
// to show something.
import type { Product } from '../../store/types';
import { trackRequest, type ShopperEvent } from './requests';
import type { PlannedEvent } from './runner';

import { seededRandom, type Random } from '../../util/seededRandom';

export { seededRandom, type Random };

export interface Shopper {
  userId: string;
  sessionId: string;
  favourite: string | null;
  lastViewed: Product | null;
  cart: Product[];
  orders: number;
}

export const BEHAVIOUR = {
  /** Chance that a shopper with a non-empty cart checks out. */
  buy: 0.06,
  /** Chance of carting the product last viewed. */
  cart: 0.15,
  /** Chance of staying in the category of the product last viewed. */
  sameCategory: 0.45,
  /** Chance of a view in the favourite category (else anywhere). */
  favourite: 0.35,
  maxCart: 4,
} as const;

/** Picks from a list with weight 1/(rank+1): the first items are the shop's bestsellers. */
export function pickPopular<T>(items: readonly T[], random: Random): T {
  const weights = items.map((_, i) => 1 / (i + 1));
  let r = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) {
    r -= weights[i]!;
    if (r < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

export function createShoppers(count: number, catalog: readonly Product[], random: Random, runId: string): Shopper[] {
  const categories = [...new Set(catalog.map((p) => p.category))];
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => ({
    userId: `shopper-${String(i + 1).padStart(Math.max(3, width), '0')}`,
    sessionId: `sim-${runId}-${i + 1}`,
    favourite: categories[Math.floor(random() * categories.length)] ?? null,
    lastViewed: null,
    cart: [],
    orders: 0,
  }));
}

/** The shopper's next event; updates the shopper's own state (last viewed, cart). */
export function nextEvent(shopper: Shopper, catalog: readonly Product[], random: Random, runId: string): ShopperEvent {
  const { userId, sessionId } = shopper;
  if (shopper.cart.length > 0 && random() < BEHAVIOUR.buy) {
    const items = shopper.cart.map((p) => ({ productId: p.id, price: p.price }));
    shopper.cart = [];
    shopper.orders += 1;
    return { type: 'purchase', userId, sessionId, orderId: `sim-${runId}-${userId}-${shopper.orders}`, items };
  }
  const last = shopper.lastViewed;
  if (last && shopper.cart.length < BEHAVIOUR.maxCart && !shopper.cart.includes(last) && random() < BEHAVIOUR.cart) {
    shopper.cart.push(last);
    return { type: 'cart', userId, sessionId, productId: last.id };
  }
  const roll = random();
  const category = last && roll < BEHAVIOUR.sameCategory ? last.category : roll < BEHAVIOUR.sameCategory + BEHAVIOUR.favourite ? shopper.favourite : undefined;
  const pool = category === undefined ? catalog : catalog.filter((p) => p.category === category && p !== last);
  const product = pickPopular(pool.length > 0 ? pool : catalog, random);
  shopper.lastViewed = product;
  return { type: 'view', userId, sessionId, productId: product.id };
}

export interface ShopperPlanOptions {
  users: number;
  /** Events per second, all shoppers together. */
  rate: number;
  seed: number;
  catalog: readonly Product[];
  runId: string;
  now?: () => Date;
}

/** An endless, evenly paced stream of events from randomly chosen shoppers. */
export function* shopperPlan({ users, rate, seed, catalog, runId, now = () => new Date() }: ShopperPlanOptions): Generator<PlannedEvent> {
  if (catalog.length === 0) throw new Error('the synthetic shoppers need a non-empty catalogue');
  const random = seededRandom(seed);
  const shoppers = createShoppers(users, catalog, random, runId);
  for (let i = 0; ; i++) {
    const shopper = shoppers[Math.floor(random() * shoppers.length)]!;
    yield { at: (i * 1000) / rate, request: () => trackRequest(nextEvent(shopper, catalog, random, runId), now()) };
  }
}
