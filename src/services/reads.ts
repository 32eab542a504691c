// The public read lists: trending, also-viewed and bought-together for a product.
import { InvalidInputError } from '../errors';
import { checkId } from '../events/validate';
import type { Reason, Scored } from '../recommend';
import type { OutOfStock } from '../recommender/outOfStock';
import type { StatsStore } from '../store/types';

export const LIMIT_BOUNDS = { min: 1, max: 100, default: 10 } as const;

export function checkLimit(limit: number | null | undefined, field = 'limit'): number {
  if (limit === undefined || limit === null) return LIMIT_BOUNDS.default;
  if (!Number.isInteger(limit) || limit < LIMIT_BOUNDS.min || limit > LIMIT_BOUNDS.max) {
    throw new InvalidInputError(field, `must be from ${LIMIT_BOUNDS.min} to ${LIMIT_BOUNDS.max}, got ${limit}`);
  }
  return limit;
}

export interface ListedProduct {
  productId: string;
  score: number;
  reason: Reason;
}

export class ReadService {
  constructor(
    private readonly store: Pick<StatsStore, 'trending' | 'alsoViewed' | 'boughtTogether'>,
    /** Shared with the recommender: one read of the set per second at most, dropped on catalogue changes. */
    private readonly outOfStock: OutOfStock,
  ) {}

  private async listed(list: Scored[], reason: Reason, limit: number, exclude?: string): Promise<ListedProduct[]> {
    const unavailable = await this.outOfStock.ids();
    return list
      .filter((s) => s.id !== exclude && !unavailable.has(s.id))
      .slice(0, limit)
      .map((s) => ({ productId: s.id, score: s.score, reason }));
  }

  async trending(category: string | null | undefined, limitArg?: number | null): Promise<ListedProduct[]> {
    const limit = checkLimit(limitArg);
    const key = category === undefined || category === null ? null : checkId('category', category);
    const lists = await this.store.trending([key], limit * 2);
    return this.listed(lists.get(key) ?? [], 'TRENDING', limit);
  }

  async similarProducts(productId: string, limitArg?: number | null): Promise<ListedProduct[]> {
    const limit = checkLimit(limitArg);
    const id = checkId('productId', productId);
    const lists = await this.store.alsoViewed([id], limit * 2);
    return this.listed(lists.get(id) ?? [], 'ALSO_VIEWED', limit, id);
  }

  async boughtTogether(productId: string, limitArg?: number | null): Promise<ListedProduct[]> {
    const limit = checkLimit(limitArg);
    const id = checkId('productId', productId);
    const lists = await this.store.boughtTogether([id], limit * 2);
    return this.listed(lists.get(id) ?? [], 'BOUGHT_TOGETHER', limit, id);
  }
}
