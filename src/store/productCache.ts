// Product details for pushes (and, in a process that also serves queries, for reads), kept in
// memory and forgotten exactly when the catalogue says a product changed (CatalogChanges, the
// channel every catalogue write publishes on). A push executes its document once per list
// version; before this each execution read its ten products from Redis again (an MGET, its reply
// parsed), most of them the same popular products. A product is never served staler than the
// notice of its write takes to arrive: the write's notice goes out in the write's own pipeline,
// after it. A read that was under way when a notice arrived is answered but not kept (it may hold
// the old value), and when notices may have been missed (the connection dropped) everything goes.
import type { Product, CatalogChanges } from './types';

export interface ProductSource {
  getProducts(ids: readonly string[]): Promise<(Product | null)[]>;
}

export class ProductCache implements ProductSource {
  /** Insertion order = age: the oldest go first when full. null: the store has no such product. */
  private readonly entries = new Map<string, Product | null>();
  /** Bumped by every notice: a read begun before a notice does not fill the cache. */
  private epoch = 0;
  private readonly stopListening: () => void;

  constructor(
    private readonly store: ProductSource,
    changes: CatalogChanges,
    private readonly maxEntries: number,
  ) {
    this.stopListening = changes.onProductsChanged((ids) => {
      this.epoch++;
      if (ids === 'all') this.entries.clear();
      else for (const id of ids) this.entries.delete(id);
    });
  }

  /** Callers must not mutate what they get: one object serves every push that shows the product. */
  async getProducts(ids: readonly string[]): Promise<(Product | null)[]> {
    // What is cached now is current now (as a read sent now would be), whatever a notice drops meanwhile.
    const answer = ids.map((id) => this.entries.get(id));
    const missing = [...new Set(ids.filter((_, i) => answer[i] === undefined))];
    if (missing.length === 0) return answer as (Product | null)[];
    const epoch = this.epoch;
    const read = await this.store.getProducts(missing);
    const fresh = new Map(missing.map((id, i) => [id, read[i] ?? null]));
    if (epoch === this.epoch) for (const [id, product] of fresh) this.keep(id, product);
    return ids.map((id, i) => (answer[i] !== undefined ? answer[i] : fresh.get(id)!));
  }

  get size(): number {
    return this.entries.size;
  }

  stop(): void {
    this.stopListening();
    this.entries.clear();
  }

  private keep(id: string, product: Product | null): void {
    this.entries.set(id, product);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
