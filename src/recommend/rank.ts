// Ranking one user's list from their state and the neighbour lists a store looked up.
import type { RecFlags, Strategy } from '../flags/definitions';
import { candidateOf, NEIGHBOURHOOD, neighbourScores, queryItems, type Candidate, type NeighbourhoodParams, type NeighbourItems } from './neighbourhood';
import { featureRows, RERANK_DEPTH, rowScore, weightVector, type RankerModel } from './blend';
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

/** How the personal score blends its parts; each part is normalised to its best item first. */
export interface RankTuning {
  neighbourhood: NeighbourhoodParams;
  /** Weight of the session-neighbourhood score. */
  sessions: number;
  /** Weight of co-visitation ("viewed next"), read for the `covisItems` most recent items... */
  covis: number;
  covisItems: number;
  /** ...the r-th most recent counting covisDecay^r. */
  covisDecay: number;
  /** Weight of bought-together of the basket. */
  bought: number;
  /** Weight of the user's own recent items (only when the ranking may keep viewed items)... */
  repeat: number;
  /** ...the i-th most recent counting exp(-i / repeatDecay). */
  repeatDecay: number;
  /**
   * Popularity damping of viewed-part scores, VSTAN's idf: x (1 + idf * log(sum / score)) with the
   * trending list read `idfItems` deep (an item below it counts as popular as the last one read).
   */
  idf: number;
  idfItems: number;
}

export const RANKING: RankTuning = {
  neighbourhood: NEIGHBOURHOOD,
  sessions: 1,
  covis: 0.2,
  covisItems: 5,
  covisDecay: 0.5,
  bought: 1,
  repeat: 1,
  repeatDecay: 1,
  idf: 1,
  idfItems: 500,
};

/** What to look up for one user's list: the one plan both the gateway and the evaluation follow. */
export interface LookupPlan extends CandidateKeys {
  neighbourLimit: number;
  trendingLimit: number;
  /** Items whose recent-user lists are needed (then `planNeighbours` names the users to read). */
  sessionItems: string[];
  usersPerItem: number;
}

export function planLookups(user: UserState, strategy: Strategy, size: number, tuning: RankTuning = RANKING): LookupPlan {
  const personal = strategy === 'personalized';
  const keys = personal ? candidateKeys(user) : { recent: [], basket: [], categories: [] };
  return {
    ...keys,
    recent: keys.recent.slice(0, tuning.covisItems),
    neighbourLimit: RANK_INPUTS.neighbours,
    trendingLimit: Math.max(size * 3 + RANK_INPUTS.neighbours, personal && tuning.idf > 0 ? tuning.idfItems : 0),
    sessionItems: personal && tuning.sessions > 0 ? queryItems(user, tuning.neighbourhood) : [],
    usersPerItem: tuning.neighbourhood.usersPerItem,
  };
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
  /** Recent items of the neighbours `planNeighbours` named (absent: no neighbourhood part). */
  neighbours?: NeighbourItems;
  /** Time of the request (ms), for the neighbours' age. */
  now?: number;
  /**
   * Whether items the user has just viewed may be listed again. The live list leaves out the item on
   * screen (false, the default); the offline protocols predict the next click, which is often a
   * return to an item of the session, so the evaluation asks with true.
   */
  keepViewed?: boolean;
  tuning?: RankTuning;
  /** A learned blend (flag `ranker.model`) re-ranking the hand blend's best RERANK_DEPTH; absent or null: the hand blend. */
  model?: RankerModel | null;
}

/** Fill items rank below every personal item; within a tier by score. */
const TIER: Record<Reason, number> = { ALSO_VIEWED: 0, BOUGHT_TOGETHER: 0, RECENTLY_VIEWED: 0, CATEGORY_AFFINITY: 1, TRENDING: 2 };

function excludedFor(input: RankInput): Set<string> {
  const { user } = input;
  const excluded = new Set(input.unavailable);
  if (user.recent[0] && !input.keepViewed) excluded.add(user.recent[0].p); // never the item the shopper is looking at
  if (input.flags['filters.excludePurchased']) user.purchased.forEach((p) => excluded.add(p));
  if (input.flags['filters.excludeInCart']) user.cart.forEach((p) => excluded.add(p));
  return excluded;
}

export function rankForUser(input: RankInput): RankedItem[] {
  const { user, limit } = input;
  const excluded = excludedFor(input);

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
    take(personalScores(input, excluded, limit));
    if (picked.length < limit) {
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
  }
  if (picked.length < limit) {
    take(normalised(input.trending).map((s) => ({ productId: s.id, score: s.score, reason: 'TRENDING' as const })));
  }
  const ranked = picked.sort((a, b) => TIER[a.reason] - TIER[b.reason] || b.score - a.score);
  return input.strategy === 'personalized' ? asReminders(ranked, user) : ranked;
}

/**
 * An item the shopper touched lately that comes back (through its neighbours' lists) is a reminder,
 * not a discovery: "viewed together" would mislabel the shopper's own item. Relabelled after
 * ranking, so the order is the same either way.
 */
function asReminders(items: RankedItem[], user: UserState): RankedItem[] {
  if (user.recent.length === 0) return items;
  const own = new Set(user.recent.map((r) => r.p));
  return items.map((i) => (own.has(i.productId) ? { ...i, reason: 'RECENTLY_VIEWED' as const } : i));
}

/**
 * The strategy a list reports is what it served: a personalised list with no personal item (a
 * newcomer, or nothing known about their items; an empty list too) is trending. The experiment arm still names the
 * assignment, so an arm's figures keep counting all of its shoppers.
 */
export function servedStrategy(assigned: Strategy, items: readonly RankedItem[]): Strategy {
  return assigned === 'personalized' && items.every((i) => i.reason === 'TRENDING') ? 'trending' : assigned;
}

function normalised(list: Scored[]): Scored[] {
  const top = list[0]?.score ?? 0;
  return top > 0 ? list.map((s) => ({ id: s.id, score: s.score / top })) : [];
}

function personalScores(input: RankInput, excluded: ReadonlySet<string>, limit: number): RankedItem[] {
  if (!input.model) return handBlend(input, excluded, limit).items;
  const stage = handBlend(input, excluded, Math.max(limit, RERANK_DEPTH));
  return reranked(stage.items, stage.features(), input.model, limit);
}

/**
 * The candidates a model re-ranks for this input (the hand blend's best RERANK_DEPTH, the
 * personal part only) and their feature rows: what training learns from.
 */
export function rerankCandidates(input: RankInput): { ids: string[]; rows: Float32Array } {
  const stage = handBlend(input, excludedFor(input), RERANK_DEPTH);
  return { ids: stage.items.map((i) => i.productId), rows: stage.features() };
}

const WEIGHTS = new WeakMap<RankerModel, Float64Array>();

function reranked(items: RankedItem[], rows: Float32Array, model: RankerModel, limit: number): RankedItem[] {
  let w = WEIGHTS.get(model);
  if (w === undefined) WEIGHTS.set(model, (w = weightVector(model)));
  const best = new TopList(limit);
  // Shown as a probability-like score in (0, 1); the order is the model's.
  items.forEach((item, i) => best.offer(item.productId, 1 / (1 + Math.exp(-rowScore(rows, i, w))), item.reason));
  return best.items;
}

/**
 * Session neighbours, co-visitation of the recent items (nearer = stronger) and bought-together of
 * the basket, each normalised to its best item and blended by the tuning's weights; `features`
 * computes the model's feature rows of the items picked (blend.ts).
 */
function handBlend(input: RankInput, excluded: ReadonlySet<string>, limit: number): { items: RankedItem[]; features: () => Float32Array } {
  const t = input.tuning ?? RANKING;
  const { recent, basket } = candidateKeys(input.user);
  // One entry per candidate item, shared by every part (each part looks an item up once).
  const table = new Map<string, Candidate>();
  const addList = (list: Scored[] | undefined, weight: number, part: 'viewed' | 'bought') => {
    const top = list?.[0]?.score ?? 0;
    if (!(top > 0) || !(weight > 0)) return;
    const scale = weight / top;
    for (const n of list!) candidateOf(table, n.id)[part] += scale * n.score;
  };
  let sessionsTop = 0;
  if (input.neighbours && t.sessions > 0) {
    sessionsTop = neighbourScores(input.user, input.neighbours, input.now ?? input.user.recent[0]?.t ?? 0, table, t.neighbourhood);
  }
  if (t.covis > 0) {
    recent.slice(0, t.covisItems).forEach((item, rank) => addList(input.alsoViewed.get(item), t.covis * t.covisDecay ** rank, 'viewed'));
  }
  if (input.keepViewed && t.repeat > 0) {
    input.user.recent.forEach((r, i) => (candidateOf(table, r.p).viewed += t.repeat * Math.exp(-i / t.repeatDecay)));
  }
  basket.forEach((item, rank) => addList(input.boughtTogether.get(item), t.bought / (rank + 1), 'bought'));
  const damping = t.idf > 0 ? popularityDamping(input.trending, t.idf) : null;
  const sessionsScale = sessionsTop > 0 ? t.sessions / sessionsTop : 0;
  const checkExcluded = excluded.size > 0;

  // The best `limit` by score (ties: product id), without sorting every candidate; the damping
  // is looked up only for a candidate that could still make the list with the largest factor.
  const best = new TopList(limit);
  for (const [id, c] of table) {
    const raw = c.sessions * sessionsScale + c.viewed;
    if (raw + c.bought <= 0) continue;
    if (damping && raw * damping.max + c.bought < best.threshold) continue;
    if (checkExcluded && excluded.has(id)) continue;
    const v = damping && raw > 0 ? raw * damping.of(id) : raw;
    best.offer(id, v + c.bought, c.bought > v ? 'BOUGHT_TOGETHER' : 'ALSO_VIEWED');
  }
  const features = () => {
    const unit = damping ? null : popularityDamping(input.trending, 1);
    const { categories } = candidateKeys(input.user);
    return featureRows(
      best.items.map((i) => i.productId),
      {
        user: input.user,
        recent,
        basket,
        categories,
        alsoViewed: input.alsoViewed,
        boughtTogether: input.boughtTogether,
        trending: input.trending,
        trendingByCategory: input.trendingByCategory,
        sessions: (id) => (sessionsTop > 0 ? (table.get(id)?.sessions ?? 0) / sessionsTop : 0),
        idf: (id) => (damping ? (damping.of(id) - 1) / t.idf : unit ? unit.of(id) - 1 : 0),
        keepViewed: input.keepViewed === true,
        covisItems: t.covisItems,
        covisDecay: t.covisDecay,
        repeatDecay: t.repeatDecay,
      },
    );
  };
  return { items: best.items, features };
}

class TopList {
  readonly items: RankedItem[] = [];
  constructor(private readonly size: number) {}

  /** A score below this cannot enter any more. */
  get threshold(): number {
    return this.items.length < this.size ? -Infinity : this.items[this.items.length - 1]!.score;
  }

  offer(productId: string, score: number, reason: Reason): void {
    const items = this.items;
    const last = items[items.length - 1];
    if (items.length >= this.size && last && !ahead(score, productId, last)) return;
    let i = items.length >= this.size ? items.length - 1 : items.length;
    while (i > 0 && ahead(score, productId, items[i - 1]!)) {
      items[i] = items[i - 1]!;
      i--;
    }
    items[i] = { productId, score, reason };
  }
}

function ahead(score: number, id: string, than: RankedItem): boolean {
  return score > than.score || (score === than.score && id < than.productId);
}

/**
 * VSTAN's idf from trending: an item's factor is 1 + weight * log(sum of trending / its trending
 * score); an item below the trending list read counts as popular as its last entry.
 */
interface Damping {
  of(id: string): number;
  /** The largest factor any item gets (an item below the list read). */
  max: number;
}

function popularityDamping(trending: Scored[], weight: number): Damping | null {
  const known = DAMPING.get(trending);
  if (known && known.weight === weight) return known.damping;
  const damping = buildDamping(trending, weight);
  DAMPING.set(trending, { weight, damping });
  return damping;
}

/** Memo by list identity: a store that hands out the same (frozen) trending list gets the same answer. */
const DAMPING = new WeakMap<Scored[], { weight: number; damping: Damping | null }>();

function buildDamping(trending: Scored[], weight: number): Damping | null {
  const floor = trending[trending.length - 1]?.score ?? 0;
  if (!(floor > 0)) return null;
  let sum = 0;
  for (const s of trending) sum += s.score;
  const logSum = Math.log(sum);
  const score = new Map<string, number>();
  for (const s of trending) score.set(s.id, s.score);
  return {
    of: (id) => 1 + weight * (logSum - Math.log(score.get(id) ?? floor)),
    max: 1 + weight * (logSum - Math.log(floor)),
  };
}
