// HR@K and MRR@K of the next item, as session-rec's accuracy.HitRate / accuracy.MRR compute them:
// per prediction, a hit if the target is in the top K, and 1/rank if so (0 otherwise), averaged
// over all predictions. Coverage@K as session-rec's coverage.Coverage: distinct items that
// appeared in any top-K list / number of items in the catalogue.
//
// Confidence intervals: predictions within a session are not independent, so the 95% intervals
// come from a bootstrap over sessions (clusters): resample the test sessions with replacement,
// recompute HR and MRR over all their predictions, take the 2.5% and 97.5% percentiles.

/** 1-based rank of `target` in `recs`, or 0 if absent. */
export function rankOf(recs: readonly string[], target: string): number {
  const i = recs.indexOf(target);
  return i < 0 ? 0 : i + 1;
}

/** HR@k over a list of ranks (0 = miss). */
export function hitRate(ranks: ArrayLike<number>, k: number): number {
  if (ranks.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < ranks.length; i++) if (ranks[i]! > 0 && ranks[i]! <= k) hits++;
  return hits / ranks.length;
}

/** MRR@k over a list of ranks (0 = miss). */
export function meanReciprocalRank(ranks: ArrayLike<number>, k: number): number {
  if (ranks.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < ranks.length; i++) if (ranks[i]! > 0 && ranks[i]! <= k) sum += 1 / ranks[i]!;
  return sum / ranks.length;
}

export interface Interval {
  low: number;
  high: number;
}

export interface MetricSummary {
  k: number;
  predictions: number;
  sessions: number;
  hr: number;
  mrr: number;
  hrCi: Interval;
  mrrCi: Interval;
  /** HR@1..K (index 0 is HR@1). */
  hrCurve: number[];
  /** MRR@1..K. */
  mrrCurve: number[];
  coverage: number;
  /** Predictions for which the method returned fewer than K items. */
  shortLists: number;
}

import { seededRandom } from '../util/seededRandom';

/** The seeded PRNG the bootstrap uses (mulberry32), so intervals are reproducible run to run. */
export const mulberry32 = seededRandom;

export class MetricAccumulator {
  private ranks = new Uint16Array(1024);
  private groups = new Int32Array(1024);
  private count = 0;
  private readonly groupIndex = new Map<string, number>();
  private readonly recommended = new Set<string>();
  private shortLists = 0;

  constructor(readonly k: number) {
    if (!(k >= 1 && k <= 65535)) throw new RangeError(`k must be 1..65535, got ${k}`);
  }

  /** Records one prediction: the method's list for a session, and the item that came next. */
  add(recs: readonly string[], target: string, sessionId: string): void {
    if (this.count === this.ranks.length) {
      const r = new Uint16Array(this.count * 2);
      r.set(this.ranks);
      this.ranks = r;
      const g = new Int32Array(this.count * 2);
      g.set(this.groups);
      this.groups = g;
    }
    const n = Math.min(recs.length, this.k);
    let rank = 0;
    for (let i = 0; i < n; i++) {
      const item = recs[i]!;
      this.recommended.add(item);
      if (rank === 0 && item === target) rank = i + 1;
    }
    if (n < this.k) this.shortLists++;
    let g = this.groupIndex.get(sessionId);
    if (g === undefined) {
      g = this.groupIndex.size;
      this.groupIndex.set(sessionId, g);
    }
    this.ranks[this.count] = rank;
    this.groups[this.count] = g;
    this.count++;
  }

  get predictions(): number {
    return this.count;
  }

  /** Ranks of all predictions so far (0 = miss). */
  rankList(): Uint16Array {
    return this.ranks.slice(0, this.count);
  }

  summary(catalogueSize: number, { resamples = 1000, seed = 42 } = {}): MetricSummary {
    const ranks = this.rankList();
    const k = this.k;
    const hrCurve: number[] = [];
    const mrrCurve: number[] = [];
    const hitsAt = new Float64Array(k + 1);
    const rrAt = new Float64Array(k + 1);
    for (const r of ranks) {
      if (r > 0) {
        hitsAt[r]! += 1;
        rrAt[r]! += 1 / r;
      }
    }
    let h = 0;
    let rr = 0;
    for (let i = 1; i <= k; i++) {
      h += hitsAt[i]!;
      rr += rrAt[i]!;
      hrCurve.push(this.count ? h / this.count : 0);
      mrrCurve.push(this.count ? rr / this.count : 0);
    }
    const { hrCi, mrrCi } = this.bootstrap(resamples, seed);
    return {
      k,
      predictions: this.count,
      sessions: this.groupIndex.size,
      hr: hrCurve[k - 1] ?? 0,
      mrr: mrrCurve[k - 1] ?? 0,
      hrCi,
      mrrCi,
      hrCurve,
      mrrCurve,
      coverage: catalogueSize > 0 ? this.recommended.size / catalogueSize : 0,
      shortLists: this.shortLists,
    };
  }

  /** Groups (sessions) in order of first appearance, one index per prediction. */
  groupList(): Int32Array {
    return this.groups.slice(0, this.count);
  }

  /** Per session: its number of predictions, hits within K and sum of reciprocal ranks. */
  sessionTotals(): SessionTotals {
    const G = this.groupIndex.size;
    const n = new Float64Array(G);
    const hits = new Float64Array(G);
    const rr = new Float64Array(G);
    for (let i = 0; i < this.count; i++) {
      const g = this.groups[i]!;
      const r = this.ranks[i]!;
      n[g]! += 1;
      if (r > 0) {
        hits[g]! += 1;
        rr[g]! += 1 / r;
      }
    }
    return { n, hits, rr };
  }

  private bootstrap(resamples: number, seed: number): { hrCi: Interval; mrrCi: Interval } {
    const t = this.sessionTotals();
    const [hrCi, mrrCi] = sessionBootstrap(t.n, [t.hits, t.rr], { resamples, seed }) as [Interval, Interval];
    return { hrCi, mrrCi };
  }
}

export interface SessionTotals {
  n: Float64Array;
  hits: Float64Array;
  rr: Float64Array;
}

/**
 * 95% percentile intervals of ratio statistics by resampling sessions with replacement: for each
 * resample and each `sums[s]`, the statistic is Σ sums[s][g] / Σ n[g] over the drawn sessions.
 * One draw of sessions serves every statistic, so statistics built from two methods' totals over
 * the same sessions (their difference) are resampled paired.
 */
export function sessionBootstrap(n: Float64Array, sums: readonly Float64Array[], { resamples, seed }: { resamples: number; seed: number }): Interval[] {
  const G = n.length;
  if (G === 0 || resamples <= 0) return sums.map(() => ({ low: 0, high: 0 }));
  const rand = mulberry32(seed);
  const draws = sums.map(() => new Float64Array(resamples));
  const totals = new Float64Array(sums.length);
  for (let b = 0; b < resamples; b++) {
    let sn = 0;
    totals.fill(0);
    for (let j = 0; j < G; j++) {
      const g = Math.floor(rand() * G);
      sn += n[g]!;
      for (let s = 0; s < sums.length; s++) totals[s]! += sums[s]![g]!;
    }
    for (let s = 0; s < sums.length; s++) draws[s]![b] = sn ? totals[s]! / sn : 0;
  }
  const at = (a: Float64Array, q: number) => a[Math.min(a.length - 1, Math.max(0, Math.round(q * (a.length - 1))))]!;
  return draws.map((d) => {
    d.sort();
    return { low: at(d, 0.025), high: at(d, 0.975) };
  });
}
