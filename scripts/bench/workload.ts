// The bench's synthetic shop: a catalogue in categories and a stream of envelopes from shoppers
// browsing it (views, some add-to-carts and purchases), deterministic for a given seed.
import type { EventEnvelope } from '../../src/events/envelope';
import type { Product } from '../../src/store/types';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function catalogue(tag: string, size: number, categories = 20): Product[] {
  return Array.from({ length: size }, (_, i) => ({
    id: `${tag}-p${i}`,
    name: `Product ${i}`,
    category: `c${i % categories}`,
    price: 5 + (i % 50),
    inStock: i % 97 !== 0,
    imageUrl: null,
  }));
}

/** Popular products are viewed more (a skewed pick: u^2 favours low indexes). */
export function pickProduct(random: () => number, products: readonly Product[]): Product {
  return products[Math.floor(random() ** 2 * products.length)]!;
}

export function makeEvents(tag: string, count: number, users: number, products: readonly Product[], seed = 1): EventEnvelope[] {
  const random = rng(seed);
  const now = Date.now();
  const out: EventEnvelope[] = [];
  for (let i = 0; i < count; i++) {
    const userId = `${tag}-u${Math.floor(random() * users)}`;
    const product = pickProduct(random, products);
    const at = new Date(now - (count - i)).toISOString();
    const base = { v: 1 as const, eventId: `${tag}-e${i}`, userId, sessionId: null, occurredAt: at, receivedAt: at };
    const r = random();
    if (r < 0.9) out.push({ ...base, type: 'view', productId: product.id });
    else if (r < 0.98) out.push({ ...base, type: 'add_to_cart', productId: product.id, quantity: 1 });
    else out.push({ ...base, type: 'purchase', orderId: `${tag}-o${i}`, items: [{ productId: product.id, quantity: 1, price: product.price }] });
  }
  return out;
}

/** The scoring scenarios' shop: `count` events from count / 10 shoppers over 2,000 (quick) or 5,000 products. */
export function scoredShop(tag: string, count: number, quick: boolean, seed: number): { users: number; products: Product[]; events: EventEnvelope[] } {
  const users = Math.round(count / 10);
  const products = catalogue(tag, quick ? 2000 : 5000);
  return { users, products, events: makeEvents(tag, count, users, products, seed) };
}
