// The learned blend: the candidate generators' scores as features of a linear ranking model.
//
// The hand blend (rank.ts, `RANKING`) picks the best `RERANK_DEPTH` candidates; with a model
// (flag `ranker.model`) those are re-ranked by the model's weighted sum of their features. The
// hand blend is itself one such sum: (sessions + .2 covis + repeat) x (1 + idf) + bought, so
// `HAND_MODEL` expresses it in the same features and training starts from it.
import type { Scored, UserState } from './types';

export { FEATURES, FEATURE_COUNT, parseRankerModel, type FeatureName, type RankerModel } from '../flags/rankerModel';
import { FEATURES, FEATURE_COUNT, type RankerModel } from '../flags/rankerModel';

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
    rows[o + 5] = rows[o] * idf;
    rows[o + 6] = rows[o + 1]! * idf;
    rows[o + 7] = rows[o + 3]! * idf;
    rows[o + 10] = id === onScreen ? 1 : 0;
    rows[o + 11] = 1 / (1 + i);
    rows[o + 12] = Math.log1p(100 * rows[o]);
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
