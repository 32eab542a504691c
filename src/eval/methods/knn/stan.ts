// STAN, sequence- and time-aware neighbourhood (Garg et al. SIGIR 2019; session-rec
// `knn.stan.STAN`), and VSTAN (Ludewig et al. 2021; session-rec `knn.vstan.VSKNN_STAN`).
//
// STAN: the current session's p-th of n events weighs exp((p - n) / spw) (a repeated item keeps
// its latest weight); similarity = sum of weights of shared items / (sqrt(sum of squared weights)
// * sqrt(|neighbour items|)), times exp(-(now - neighbour's last event time) / snh) with snh in
// days. A neighbour's item j is scored similarity * exp(-|pos(j) - pos(i*)| / inh), where pos(j)
// is j's last position in the neighbour and i* the neighbour's last event that is an item of
// the current session. Current-session items stay eligible (remind=True).
// VSTAN adds, per neighbour, exp((p* - n) / ipw) for the latest position p* of the current
// session whose item the neighbour contains, and an idf factor (1 + idf * lambda_idf).
//
// Defaults: REFERENCE.md's first STAN row (k 1000, sample_size 10000, spw 0.5, snh 20, inh 0.5)
// and first VSTAN row (k 2000, sample_size 2500, spw 8, snh 10, inh 8, ipw 0.5, idf 2).
import { GrowableInt32 } from '../interner';
import { KnnRecommender, WeightBuffer, weightNorm, type Neighbour, type QuerySession } from './base';

const DAY_MS = 86_400_000;

export interface StanOptions {
  k?: number;
  sampleSize?: number;
  lambdaSpw?: number;
  /** In days. */
  lambdaSnh?: number;
  lambdaInh?: number;
  remind?: boolean;
}

export interface VstanOptions extends StanOptions {
  lambdaIpw?: number;
  lambdaIdf?: number;
  /** session-rec's VSTAN versions we read always use the weighted cosine; 'vec' is offered too. */
  similarity?: 'cosine' | 'vec';
}

export class Stan extends KnnRecommender {
  readonly name: string = 'STAN';
  protected override readonly minSimilarity = -Infinity;
  protected readonly spw: number;
  protected readonly snhMs: number;
  protected readonly inh: number;
  protected readonly remind: boolean;
  protected readonly similarityKind: 'cosine' | 'vec' = 'cosine';
  private readonly weights = new WeightBuffer();
  protected w: Float64Array = new Float64Array(0);
  /** sqrt(sum of squared weights) of the current query's distinct items. */
  private norm = 1;
  private readonly lastPos = new GrowableInt32();
  /** For items of the current session: their latest position in it (1-based). */
  private readonly queryPos = new GrowableInt32();
  private readonly currentMark = new GrowableInt32();
  private markEpoch = 0;
  /** exp(-d / inh) for integer distances d, grown on demand. */
  private inhTable = new Float64Array(0);

  constructor({ k = 1000, sampleSize = 10000, lambdaSpw = 0.5, lambdaSnh = 20, lambdaInh = 0.5, remind = true }: StanOptions = {}) {
    super(k, sampleSize);
    for (const [name, v] of [
      ['lambdaSpw', lambdaSpw],
      ['lambdaSnh', lambdaSnh],
      ['lambdaInh', lambdaInh],
    ] as const) {
      if (!(v > 0)) throw new RangeError(`stan: ${name} must be > 0, got ${v}`);
    }
    this.spw = lambdaSpw;
    this.snhMs = lambdaSnh * DAY_MS;
    this.inh = lambdaInh;
    this.remind = remind;
  }

  protected itemWeights(q: QuerySession): Float64Array {
    const spw = this.spw;
    this.w = this.weights.fill(this.index.items.size, q.seq, (p, n) => Math.exp((p - n) / spw));
    this.norm = weightNorm(this.w, q.distinct);
    return this.w;
  }

  protected similarity(q: QuerySession, s: number): number {
    const vp = this.index.weightSum.data[s]!;
    const sim = this.similarityKind === 'vec' ? vp / q.distinct.length : vp / (this.norm * Math.sqrt(this.index.distinct[s]!.length));
    return sim * Math.exp(-(q.now - this.index.time[s]!) / this.snhMs);
  }

  private inhWeights(maxDistance: number): Float64Array {
    if (this.inhTable.length <= maxDistance) {
      const t = new Float64Array(Math.max(maxDistance + 1, this.inhTable.length * 2, 64));
      for (let d = 0; d < t.length; d++) t[d] = Math.exp(-d / this.inh);
      this.inhTable = t;
    }
    return this.inhTable;
  }

  /**
   * Extra per-neighbour factor (VSTAN's ipw); 1 for STAN. `latestShared` is the latest position
   * (1-based) in the current session of an item the neighbour contains.
   */
  protected neighbourFactor(_q: QuerySession, _latestShared: number): number {
    return 1;
  }

  /** Extra per-item factor (VSTAN's idf); 1 for STAN. */
  protected itemFactor(_item: number): number {
    return 1;
  }

  protected score(q: QuerySession, neighbours: Neighbour[]): void {
    const itemCount = this.index.items.size;
    const mark = this.currentMark.ensure(itemCount);
    const lastPos = this.lastPos.ensure(itemCount);
    if (++this.markEpoch === 0x7fffffff) {
      mark.fill(0);
      this.markEpoch = 1;
    }
    const epoch = this.markEpoch;
    const queryPos = this.queryPos.ensure(itemCount);
    for (let p = 0; p < q.seq.length; p++) {
      mark[q.seq[p]!] = epoch;
      queryPos[q.seq[p]!] = p + 1;
    }
    const scores = this.itemScores;
    for (const { session, similarity } of neighbours) {
      const seq = this.index.seq[session]!;
      const inh = this.inhWeights(seq.length);
      let posStar = 0;
      let latestShared = 0;
      for (let i = 0; i < seq.length; i++) {
        const item = seq[i]!;
        if (mark[item] === epoch) {
          posStar = i + 1;
          if (queryPos[item]! > latestShared) latestShared = queryPos[item]!;
        }
        lastPos[item] = i + 1;
      }
      const base = similarity * this.neighbourFactor(q, latestShared);
      const distinct = this.index.distinct[session]!;
      for (let j = 0; j < distinct.length; j++) {
        const item = distinct[j]!;
        if (!this.remind && mark[item] === epoch) continue;
        const d = lastPos[item]! - posStar;
        scores.add(item, base * inh[d < 0 ? -d : d]! * this.itemFactor(item));
      }
    }
  }
}

export class Vstan extends Stan {
  override readonly name: string = 'VSTAN';
  protected override readonly similarityKind: 'cosine' | 'vec';
  private readonly ipw: number;
  private readonly lambdaIdf: number;

  constructor({
    k = 2000,
    sampleSize = 2500,
    lambdaSpw = 8,
    lambdaSnh = 10,
    lambdaInh = 8,
    lambdaIpw = 0.5,
    lambdaIdf = 2,
    similarity = 'cosine',
    remind = true,
  }: VstanOptions = {}) {
    super({ k, sampleSize, lambdaSpw, lambdaSnh, lambdaInh, remind });
    if (!(lambdaIpw > 0)) throw new RangeError(`vstan: lambdaIpw must be > 0, got ${lambdaIpw}`);
    if (similarity !== 'cosine' && similarity !== 'vec') throw new RangeError(`vstan: unknown similarity ${String(similarity)}`);
    this.ipw = lambdaIpw;
    this.lambdaIdf = lambdaIdf;
    this.similarityKind = similarity;
  }

  protected override neighbourFactor(q: QuerySession, latestShared: number): number {
    return latestShared > 0 ? Math.exp((latestShared - q.seq.length) / this.ipw) : 1;
  }

  protected override itemFactor(item: number): number {
    return this.lambdaIdf ? 1 + this.index.idf(item) * this.lambdaIdf : 1;
  }
}
