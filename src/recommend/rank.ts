// Ranking one user's list from their state and the neighbour lists a store looked up.
import type { RecFlags, Strategy } from '../flags/definitions';
import type { RankedItem, Reason, Scored, UserState } from './types';

/** How much of the user's state feeds the candidates (bounded work per user). */
export const RANK_INPUTS = { recentItems: 10, basketItems: 10, categories: 3, neighbours: 50 } as const;

export interface CandidateKeys {
  /** Items whose co-visitation lists are needed, most recent first. */
  recent: string[];
  /** Items whose bought-together lists are needed (cart and purchases first, then recent). */
  basket: string[];
  /** The user's strongest categories, for category-affinity fill. */
  categories: string[];
}

export function candidateKeys(user: UserState): CandidateKeys {
  const recent = user.recent.slice(0, RANK_INPUTS.recentItems).map((r) => r.p);
  const basket = [...new Set([...user.cart, ...user.purchased, ...recent])].slice(0, RANK_INPUTS.basketItems);
  const categories = Object.entries(user.cats)
    .sort((a, b) => b[1] - a[1])
    .slice(0, RANK_INPUTS.categories)
    .map(([c]) => c);
  return { recent, basket, categories };
}

/** What to look up for one user's list: the one plan both the gateway and the evaluation follow. */
export interface LookupPlan extends CandidateKeys {
  neighbourLimit: number;
  trendingLimit: number;
}

export function planLookups(user: UserState, strategy: Strategy, size: number): LookupPlan {
  const keys = strategy === 'personalized' ? candidateKeys(user) : { recent: [], basket: [], categories: [] };
  return { ...keys, neighbourLimit: RANK_INPUTS.neighbours, trendingLimit: size * 3 + RANK_INPUTS.neighbours };
}

export interface RankInput {
  user: UserState;
  strategy: Strategy;
  flags: Pick<RecFlags, 'filters.excludePurchased' | 'filters.excludeInCart'>;
  limit: number;
  alsoViewed: ReadonlyMap<string, Scored[]>;
  boughtTogether: ReadonlyMap<string, Scored[]>;
  trending: Scored[];
  trendingByCategory: ReadonlyMap<string | null, Scored[]>;
  /** Products that must not be shown (out of stock). */
  unavailable: ReadonlySet<string>;
}

/** Fill items rank below every personal item; within a tier by score. */
const TIER: Record<Reason, number> = { ALSO_VIEWED: 0, BOUGHT_TOGETHER: 0, CATEGORY_AFFINITY: 1, TRENDING: 2 };

export function rankForUser(input: RankInput): RankedItem[] {
  const { user, limit } = input;
  const excluded = new Set(input.unavailable);
  if (user.recent[0]) excluded.add(user.recent[0].p); // never the item the shopper is looking at
  if (input.flags['filters.excludePurchased']) user.purchased.forEach((p) => excluded.add(p));
  if (input.flags['filters.excludeInCart']) user.cart.forEach((p) => excluded.add(p));

  const picked: RankedItem[] = [];
  const taken = new Set<string>();
  const take = (items: RankedItem[]) => {
    for (const item of items) {
      if (picked.length >= limit) return;
      if (excluded.has(item.productId) || taken.has(item.productId)) continue;
      taken.add(item.productId);
      picked.push(item);
    }
  };

  if (input.strategy === 'personalized') {
    take(personalScores(input));
    const { categories } = candidateKeys(user);
    const byCategory = categories.flatMap((category, i) =>
      normalised(input.trendingByCategory.get(category) ?? []).map((s) => ({
        productId: s.id,
        score: s.score / (i + 1),
        reason: 'CATEGORY_AFFINITY' as const,
      })),
    );
    take(byCategory.sort((a, b) => b.score - a.score));
  }
  take(normalised(input.trending).map((s) => ({ productId: s.id, score: s.score, reason: 'TRENDING' as const })));
  return picked.sort((a, b) => TIER[a.reason] - TIER[b.reason] || b.score - a.score);
}

function normalised(list: Scored[]): Scored[] {
  const top = list[0]?.score ?? 0;
  return top > 0 ? list.map((s) => ({ id: s.id, score: s.score / top })) : [];
}

/** Neighbours of the recent items (nearer = stronger) plus bought-together of the basket. */
function personalScores(input: RankInput): RankedItem[] {
  const { recent, basket } = candidateKeys(input.user);
  const viewed = new Map<string, number>();
  const bought = new Map<string, number>();
  recent.forEach((item, rank) => {
    for (const n of normalised(input.alsoViewed.get(item) ?? [])) {
      viewed.set(n.id, (viewed.get(n.id) ?? 0) + n.score / (rank + 1));
    }
  });
  basket.forEach((item, rank) => {
    for (const n of normalised(input.boughtTogether.get(item) ?? [])) {
      bought.set(n.id, (bought.get(n.id) ?? 0) + n.score / (rank + 1));
    }
  });
  const ids = new Set([...viewed.keys(), ...bought.keys()]);
  const items: RankedItem[] = [];
  for (const id of ids) {
    const v = viewed.get(id) ?? 0;
    const b = bought.get(id) ?? 0;
    items.push({ productId: id, score: v + b, reason: b > v ? 'BOUGHT_TOGETHER' : 'ALSO_VIEWED' });
  }
  return items.sort((a, b) => b.score - a.score || (a.productId < b.productId ? -1 : 1));
}

/** Two lists are the same when the same products stand in the same order for the same reasons. */
export function sameList(a: RankedItem[], b: RankedItem[]): boolean {
  return a.length === b.length && a.every((x, i) => x.productId === b[i]?.productId && x.reason === b[i]?.reason);
}
