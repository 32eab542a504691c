// What the session-based kNN methods share: the index, learning, and the neighbour search
// pipeline  candidates -> most recent `sampleSize` -> similarity -> best `k`.
import type { EvalEvent, SessionContext, SessionRecommender } from '../../types';
import { GrowableFloat64 } from '../interner';
import { selectBest } from '../topk';
import { ItemScores } from './itemScores';
import { SessionIndex, distinctOf } from './sessionIndex';

export interface Neighbour {
  session: number;
  similarity: number;
}

/** The current session, as item indices. */
export interface QuerySession {
  /** Known items in event order, repeats kept. */
  seq: number[];
  /** Distinct items in order of first occurrence. */
  distinct: number[];
  /** The session's own index in the index (stream mode), excluded from its neighbours; -1 if none. */
  self: number;
  now: number;
}

export abstract class KnnRecommender implements SessionRecommender {
  abstract readonly name: string;
  readonly index = new SessionIndex();
  protected readonly itemScores = new ItemScores();
  private readonly sims = new GrowableFloat64();

  constructor(
    protected readonly k: number,
    protected readonly sampleSize: number,
  ) {
    if (!(k >= 1)) throw new RangeError(`knn: k must be >= 1, got ${k}`);
    if (!(sampleSize >= 0)) throw new RangeError(`knn: sample_size must be >= 0, got ${sampleSize}`);
  }

  learn(event: EvalEvent): void {
    this.index.learn(event);
  }

  recommend(session: SessionContext, k: number): string[] {
    const seq = this.index.known(session.items);
    if (seq.length === 0) return [];
    const q: QuerySession = {
      seq,
      distinct: distinctOf(seq),
      self: this.index.sessions.get(session.sessionId),
      now: session.now,
    };
    const neighbours = this.neighbours(q);
    this.itemScores.reset(this.index.items.size);
    this.score(q, neighbours);
    return this.itemScores.top(k).map((i) => this.index.items.ids[i]!);
  }

  /** Weights of the current session's items for the similarity (indexed by item), or null for 1. */
  protected abstract itemWeights(q: QuerySession): ArrayLike<number> | null;
  /** Similarity of candidate `s`; `overlap`/`weightSum` of s are filled in the index. */
  protected abstract similarity(q: QuerySession, s: number): number;
  /** Only neighbours with a similarity above this count (session-rec: > 0 for SKNN/V-SKNN). */
  protected readonly minSimilarity: number = 0;
  /** Adds the neighbours' item scores into `this.itemScores`. */
  protected abstract score(q: QuerySession, neighbours: Neighbour[]): void;

  /**
   * The `k` most similar of the `sampleSize` most recent sessions sharing an item, in no
   * particular order (scores are sums over neighbours, so order does not matter).
   */
  neighbours(q: QuerySession): Neighbour[] {
    const weights = this.itemWeights(q);
    const candidates = this.index.mostRecent(this.index.gather(q.distinct, weights, q.self), this.sampleSize);
    const sims = this.sims.ensure(this.index.sessions.size);
    for (let i = 0; i < candidates.length; i++) {
      const s = candidates[i]!;
      sims[s] = this.similarity(q, s);
    }
    const best = selectBest(candidates, candidates.length, sims, this.k, this.minSimilarity);
    return best.map((s) => ({ session: s, similarity: sims[s]! }));
  }
}

/** A dense per-item weight array for the current session, reused between queries. */
export class WeightBuffer {
  private readonly buf = new GrowableFloat64();
  /** Sets weights for `items` (later writes win, as with session-rec's pos_map dict). */
  fill(itemCount: number, seq: readonly number[], weightAt: (position: number, length: number) => number): Float64Array {
    const w = this.buf.ensure(itemCount);
    for (let p = 0; p < seq.length; p++) w[seq[p]!] = weightAt(p + 1, seq.length);
    return w;
  }
}

/** Euclidean length of the query's weight vector over its distinct items (the cosine denominator). */
export function weightNorm(w: ArrayLike<number>, distinct: readonly number[]): number {
  let sq = 0;
  for (const item of distinct) sq += w[item]! * w[item]!;
  return Math.sqrt(sq);
}
