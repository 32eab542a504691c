// The learned blend: the candidate generators' scores as features of a linear ranking model.
//
// The hand blend (rank.ts, `RANKING`) picks the best `RERANK_DEPTH` candidates; with a model
// (flag `ranker.model`) those are re-ranked by the model's weighted sum of their features. The
// hand blend is itself one such sum: (sessions + .2 covis + repeat) x (1 + idf) + bought, so
// `HAND_MODEL` expresses it in the same features and training starts from it.
import { InvalidInputError } from '../errors';
import type { Scored, UserState } from './types';

/** Every feature a model may weigh, in the order of a feature row. */
export const FEATURES = [
  'sessions', // session-neighbourhood score, normalised to the best candidate
  'covis', // co-visitation of the recent items, each list normalised, the r-th most recent x covisDecay^r
  'covisLast', // co-visitation of the item on screen alone
  'repeat', // the shopper's own recent item (exp(-position)), only where the list may keep viewed items
  'bought', // bought-together of the basket, each list normalised, the r-th item / (r + 1)
  'sessionsIdf', // sessions x log(total popularity / the item's): VSTAN's idf
  'covisIdf',
  'repeatIdf',
  'popularity', // trending score, normalised to the top item
  'category', // trending in the shopper's strongest categories, the i-th / (i + 1)
  'onScreen', // 1 for the item the shopper is looking at (only where the list may keep viewed items)
  'handRank', // 1 / (1 + the item's place in the hand blend's order)
  'sessionsLog', // log(1 + 100 sessions): lets a model weigh weak and strong evidence unevenly
  'covisLog', // log(1 + 100 covis)
] as const;
export type FeatureName = (typeof FEATURES)[number];
export const FEATURE_COUNT = FEATURES.length;

export interface RankerModel {
  /** Names the model in logs and stamps (e.g. the training run). */
  name: string;
  /** Weight per feature; a feature left out weighs 0. */
  weights: Partial<Record<FeatureName, number>>;
}

/** How many of the hand blend's best candidates a model re-ranks. */
export const RERANK_DEPTH = 100;

/** The hand blend's default weights (rank.ts RANKING) written as a model. */
export const HAND_MODEL: RankerModel = {
  name: 'hand',
  weights: { sessions: 1, sessionsIdf: 1, covis: 0.2, covisIdf: 0.2, repeat: 1, repeatIdf: 1, bought: 1 },
};

/** A model's weights as a dense vector in FEATURES order. */
export function weightVector(model: RankerModel): Float64Array {
  return Float64Array.from(FEATURES, (f) => model.weights[f] ?? 0);
}

/** What the features of the re-ranked candidates are computed from (the ranking's own inputs). */
export interface FeatureInputs {
  user: UserState;
  recent: readonly string[];
  basket: readonly string[];
  categories: readonly string[];
  alsoViewed: ReadonlyMap<string, Scored[]>;
  boughtTogether: ReadonlyMap<string, Scored[]>;
  trending: Scored[];
  trendingByCategory: ReadonlyMap<string | null, Scored[]>;
  /** Normalised session-neighbourhood score of an item (0 when none). */
  sessions(id: string): number;
  /** log(total popularity / the item's), 0 when there is no trending list. */
  idf(id: string): number;
  keepViewed: boolean;
  covisItems: number;
  covisDecay: number;
  repeatDecay: number;
}

/** Feature rows (FEATURE_COUNT numbers per candidate, in `ids` order). */
export function featureRows(ids: readonly string[], x: FeatureInputs): Float32Array {
  const F = FEATURE_COUNT;
  const rows = new Float32Array(ids.length * F);
  const at = new Map<string, number>();
  ids.forEach((id, i) => at.set(id, i * F));
  const addList = (list: Scored[] | undefined, weight: number, col: number) => {
    const top = list?.[0]?.score ?? 0;
    if (!(top > 0)) return;
    for (const s of list!) {
      const o = at.get(s.id);
      if (o !== undefined) rows[o + col] = rows[o + col]! + (weight * s.score) / top;
    }
  };
  x.recent.slice(0, x.covisItems).forEach((item, r) => addList(x.alsoViewed.get(item), x.covisDecay ** r, 1));
  if (x.recent[0] !== undefined) addList(x.alsoViewed.get(x.recent[0]), 1, 2);
  if (x.keepViewed) {
    x.user.recent.forEach((r, i) => {
      const o = at.get(r.p);
      if (o !== undefined) rows[o + 3] = rows[o + 3]! + Math.exp(-i / x.repeatDecay);
    });
  }
  x.basket.forEach((item, r) => addList(x.boughtTogether.get(item), 1 / (r + 1), 4));
  addList(x.trending, 1, 8);
  x.categories.forEach((c, i) => {
    const list = x.trendingByCategory.get(c);
    const top = list?.[0]?.score ?? 0;
    if (!(top > 0)) return;
    for (const s of list!) {
      const o = at.get(s.id);
      if (o !== undefined) rows[o + 9] = Math.max(rows[o + 9]!, s.score / top / (i + 1));
    }
  });
  const onScreen = x.keepViewed ? x.user.recent[0]?.p : undefined;
  ids.forEach((id, i) => {
    const o = i * F;
    const idf = x.idf(id);
    rows[o] = x.sessions(id);
    rows[o + 5] = rows[o]! * idf;
    rows[o + 6] = rows[o + 1]! * idf;
    rows[o + 7] = rows[o + 3]! * idf;
    rows[o + 10] = id === onScreen ? 1 : 0;
    rows[o + 11] = 1 / (1 + i);
    rows[o + 12] = Math.log1p(100 * rows[o]!);
    rows[o + 13] = Math.log1p(100 * rows[o + 1]!);
  });
  return rows;
}

/** The model's score of row `i`. */
export function rowScore(rows: Float32Array, i: number, w: Float64Array): number {
  let s = 0;
  const o = i * FEATURE_COUNT;
  for (let f = 0; f < FEATURE_COUNT; f++) s += w[f]! * rows[o + f]!;
  return s;
}

const NAME = /^[\w.-]{1,60}$/;

/** A model as the flag or a model file gives it; an InvalidInputError names the field that is wrong. */
export function parseRankerModel(value: unknown, where: string): RankerModel {
  const v = value as { name?: unknown; weights?: unknown } | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidInputError(where, `expected {"name": ..., "weights": {...}}, got ${JSON.stringify(value)?.slice(0, 80)}`);
  if (typeof v.name !== 'string' || !NAME.test(v.name)) throw new InvalidInputError(`${where}.name`, `expected 1 to 60 letters, digits, '.', '_' or '-', got ${JSON.stringify(v.name)}`);
  const w = v.weights as Record<string, unknown> | undefined;
  if (typeof w !== 'object' || w === null || Array.isArray(w)) throw new InvalidInputError(`${where}.weights`, `expected an object of feature weights, got ${JSON.stringify(w)}`);
  const weights: Partial<Record<FeatureName, number>> = {};
  for (const [key, weight] of Object.entries(w)) {
    if (!(FEATURES as readonly string[]).includes(key)) throw new InvalidInputError(`${where}.weights.${key}`, `unknown feature; known: ${FEATURES.join(', ')}`);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || Math.abs(weight) > 1e6) {
      throw new InvalidInputError(`${where}.weights.${key}`, `expected a number from -1e6 to 1e6, got ${JSON.stringify(weight)}`);
    }
    weights[key as FeatureName] = weight;
  }
  const extra = Object.keys(v).filter((k) => k !== 'name' && k !== 'weights');
  if (extra.length > 0) throw new InvalidInputError(where, `unknown field "${extra[0]}" (a model has name and weights)`);
  return { name: v.name, weights };
}
