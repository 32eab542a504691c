// V-SKNN, vector-multiplication session kNN (session-rec `knn.vsknn.VMContextKNN`, Ludewig &
// Jannach 2018). The current session is a weighted vector: its p-th of n events weighs
// weighting(p, n) (a repeated item keeps its latest position's weight). Similarity 'vec' is
// sum of the weights of the shared items / number of distinct items in the current session.
// A neighbour's items are scored with similarity * weighting_score(step), where step is how far
// back (1 = last event) the most recent current-session item that the neighbour contains lies;
// with idf_weighting w, an item's score is multiplied by (1 + w * idf(item)),
// idf = log(#sessions / #events of the item). Current-session items stay eligible (remind=True).
// dwelling_time, weighting_time, push/add reminders and last_n_days are session-rec options off by
// default and not implemented here.
//
// Defaults: session-rec's rsc15 baseline configuration (k 100, sample_size 1000, weighting
// quadratic, weighting_score quadratic, similarity vec, no idf). REFERENCE.md's second V-SKNN
// row is `vsknn:k=500:sampleSize=5000:weightingScore=div:idfWeighting=5`.
import { GrowableInt32 } from '../interner';
import { KnnRecommender, WeightBuffer, weightNorm, type Neighbour, type QuerySession } from './base';

export type VsknnWeighting = 'same' | 'div' | 'linear' | 'log' | 'quadratic';

/** Position weights of the current session's events: position i of length n (1-based). */
export const VSKNN_WEIGHTING: Record<VsknnWeighting, (i: number, n: number) => number> = {
  same: () => 1,
  div: (i, n) => i / n,
  linear: (i, n) => (i <= 10 ? 1 - 0.1 * (n - i) : 0),
  log: (i, n) => 1 / Math.log10(n - i + 1.7),
  quadratic: (i, n) => (i / n) ** 2,
};

/** Score decay by how many steps back the shared item lies (1 = the last event). */
export const VSKNN_SCORE_WEIGHTING: Record<VsknnWeighting, (step: number) => number> = {
  same: () => 1,
  div: (i) => 1 / i,
  linear: (i) => (i <= 100 ? 1 - 0.1 * i : 0),
  log: (i) => 1 / Math.log10(i + 1.7),
  quadratic: (i) => 1 / (i * i),
};

export interface VsknnOptions {
  k?: number;
  sampleSize?: number;
  weighting?: VsknnWeighting;
  weightingScore?: VsknnWeighting;
  similarity?: 'vec' | 'cosine';
  /** 0/false = off; otherwise the idf multiplier w. */
  idfWeighting?: number;
  remind?: boolean;
}

export class Vsknn extends KnnRecommender {
  readonly name = 'V-SKNN';
  private readonly weighting: (i: number, n: number) => number;
  private readonly weightingScore: (step: number) => number;
  private readonly sim: 'vec' | 'cosine';
  private readonly idfWeighting: number;
  private readonly remind: boolean;
  private readonly weights = new WeightBuffer();
  private w: Float64Array = new Float64Array(0);
  private norm = 1;
  private readonly neighbourStamp = new GrowableInt32();
  private stampEpoch = 0;

  constructor({
    k = 100,
    sampleSize = 1000,
    weighting = 'quadratic',
    weightingScore = 'quadratic',
    similarity = 'vec',
    idfWeighting = 0,
    remind = true,
  }: VsknnOptions = {}) {
    super(k, sampleSize);
    const w = VSKNN_WEIGHTING[weighting];
    const ws = VSKNN_SCORE_WEIGHTING[weightingScore];
    if (!w) throw new RangeError(`vsknn: unknown weighting ${String(weighting)}`);
    if (!ws) throw new RangeError(`vsknn: unknown weightingScore ${String(weightingScore)}`);
    if (similarity !== 'vec' && similarity !== 'cosine') throw new RangeError(`vsknn: unknown similarity ${String(similarity)}`);
    this.weighting = w;
    this.weightingScore = ws;
    this.sim = similarity;
    this.idfWeighting = Number(idfWeighting) || 0;
    this.remind = remind;
  }

  protected itemWeights(q: QuerySession): Float64Array {
    this.w = this.weights.fill(this.index.items.size, q.seq, this.weighting);
    this.norm = weightNorm(this.w, q.distinct);
    return this.w;
  }

  protected similarity(q: QuerySession, s: number): number {
    const vp = this.index.weightSum.data[s]!;
    if (this.sim === 'vec') return vp / q.distinct.length;
    return vp / (this.norm * Math.sqrt(this.index.distinct[s]!.length));
  }

  protected score(q: QuerySession, neighbours: Neighbour[]): void {
    const current = this.remind ? null : new Set(q.distinct);
    const mark = this.neighbourStamp.ensure(this.index.items.size);
    for (const { session, similarity } of neighbours) {
      const items = this.index.distinct[session]!;
      if (++this.stampEpoch === 0x7fffffff) {
        mark.fill(0);
        this.stampEpoch = 1;
      }
      const epoch = this.stampEpoch;
      for (const item of items) mark[item] = epoch;
      let decay = 0;
      for (let step = 1; step <= q.seq.length; step++) {
        if (mark[q.seq[q.seq.length - step]!] === epoch) {
          decay = this.weightingScore(step);
          break;
        }
      }
      for (const item of items) {
        if (current !== null && current.has(item)) continue;
        let v = similarity;
        if (this.idfWeighting) v = v + v * this.index.idf(item) * this.idfWeighting;
        this.itemScores.add(item, v * decay);
      }
    }
  }
}
