// The out-of-stock set, read from the store at most once per `ttlMs` and shared by everything that
// filters lists by it: the recommender (and its read-cache views) and the public reads. Dropped when
// the catalogue changes (this gateway's writes, and the out-of-stock notices every gateway hears).
import type { CatalogStore } from '../store/types';

export class OutOfStock {
  private cached: { at: number; ids: Promise<Set<string>> } | null = null;

  constructor(
    private readonly store: Pick<CatalogStore, 'unavailableProducts'>,
    private readonly ttlMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  ids(): Promise<Set<string>> {
    const now = this.now();
    if (!this.cached || now - this.cached.at > this.ttlMs) {
      const cached = { at: now, ids: this.store.unavailableProducts() };
      this.cached = cached;
      // A failed read is not kept: the next caller asks the store again.
      cached.ids.catch(() => {
        if (this.cached === cached) this.cached = null;
      });
    }
    return this.cached.ids;
  }

  /** The catalogue changed: the next read fetches the set afresh. */
  invalidate(): void {
    this.cached = null;
  }

  /** The catalogue part of a store whose writes drop this cache once they are done (read-your-write for a gateway's own mutations). */
  writingThrough(store: Pick<CatalogStore, 'getProducts' | 'upsertProducts'>): CatalogStore {
    return {
      unavailableProducts: () => this.ids(),
      getProducts: (ids) => store.getProducts(ids),
      upsertProducts: async (products) => {
        try {
          return await store.upsertProducts(products);
        } finally {
          this.invalidate();
        }
      },
    };
  }
}
