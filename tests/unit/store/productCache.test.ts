// The push processes' product cache: served from memory until the catalogue announces a write,
// and never keeping a read that a write's notice overtook. The embedded store is the catalogue
// (its writes announce themselves as Redis's do); the Redis path is the live-lists contract's.
import { MemoryStore } from '../../../src/store/memoryStore';
import { ProductCache, type ProductSource } from '../../../src/store/productCache';
import type { CatalogChanges, Product } from '../../../src/store/types';

const product = (id: string, name: string): Product => ({ id, name, category: null, price: null, inStock: true, imageUrl: null });

/** The store, counting the ids it was asked for; `hold` makes the next read wait for `release()`. */
function counted(store: MemoryStore) {
  const asked: string[][] = [];
  let gate: Promise<void> | null = null;
  let open = () => {};
  const source: ProductSource = {
    async getProducts(ids) {
      asked.push([...ids]);
      const answer = await store.getProducts(ids);
      if (gate) await gate;
      return answer;
    },
  };
  return {
    source,
    asked,
    hold() {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    release() {
      gate = null;
      open();
    },
  };
}

describe('product cache', () => {
  let store: MemoryStore;
  beforeEach(async () => {
    store = new MemoryStore();
    await store.upsertProducts([product('a', 'A'), product('b', 'B')]);
  });

  it('reads a product from the store once, then from memory', async () => {
    const s = counted(store);
    const cache = new ProductCache(s.source, store, 100);
    expect((await cache.getProducts(['a', 'b'])).map((p) => p?.name)).toEqual(['A', 'B']);
    expect((await cache.getProducts(['b', 'a', 'a'])).map((p) => p?.name)).toEqual(['B', 'A', 'A']);
    expect(s.asked).toEqual([['a', 'b']]);
  });

  it('serves the new value after a write announces it, and only that product is read again', async () => {
    const s = counted(store);
    const cache = new ProductCache(s.source, store, 100);
    await cache.getProducts(['a', 'b']);
    await store.upsertProducts([product('a', 'A renamed')]);
    expect((await cache.getProducts(['a', 'b'])).map((p) => p?.name)).toEqual(['A renamed', 'B']);
    expect(s.asked).toEqual([['a', 'b'], ['a']]);
  });

  it('remembers an unknown product as missing until it is written', async () => {
    const cache = new ProductCache(store, store, 100);
    expect(await cache.getProducts(['new'])).toEqual([null]);
    await store.upsertProducts([product('new', 'New')]);
    expect((await cache.getProducts(['new']))[0]?.name).toBe('New');
  });

  it('answers a read that a notice overtook but does not keep it', async () => {
    const s = counted(store);
    const cache = new ProductCache(s.source, store, 100);
    s.hold();
    const reading = cache.getProducts(['a']); // reads "A" from the store, then waits
    await new Promise((resolve) => setImmediate(resolve));
    await store.upsertProducts([product('a', 'A renamed')]); // the notice arrives while the read is under way
    s.release();
    expect((await reading)[0]?.name).toBe('A');
    expect((await cache.getProducts(['a']))[0]?.name).toBe('A renamed');
    expect(s.asked).toEqual([['a'], ['a']]);
  });

  it("forgets everything on 'all' (notices may have been missed)", async () => {
    let announce: (ids: string[] | 'all') => void = () => {};
    const changes: CatalogChanges = { onOutOfStock: () => () => {}, onProductsChanged: (listener) => ((announce = listener), () => {}) };
    const s = counted(store);
    const cache = new ProductCache(s.source, changes, 100);
    await cache.getProducts(['a', 'b']);
    announce('all');
    expect(cache.size).toBe(0);
    await cache.getProducts(['a']);
    expect(s.asked).toEqual([['a', 'b'], ['a']]);
  });

  it('keeps at most its entries, the oldest going first, and still answers a read larger than that', async () => {
    await store.upsertProducts([product('c', 'C')]);
    const s = counted(store);
    const cache = new ProductCache(s.source, store, 2);
    expect((await cache.getProducts(['a', 'b', 'c'])).map((p) => p?.name)).toEqual(['A', 'B', 'C']);
    expect(cache.size).toBe(2);
    await cache.getProducts(['b', 'c']);
    expect(s.asked).toEqual([['a', 'b', 'c']]);
  });
});
