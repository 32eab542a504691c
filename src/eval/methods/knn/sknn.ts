// SKNN, session-based kNN (session-rec `knn.sknn.ContextKNN`): the current session's item set is
// compared with each candidate session's item set; the k most similar neighbours each add their
// similarity to every item they contain. Defaults: session-rec's rsc15 configuration behind
// REFERENCE.md (k 500, sample_size 10000, sampling recent, similarity jaccard).
//
// `cosine` here is the true cosine |A∩B| / sqrt(|A||B|); session-rec's `cosine` computes
// li / sqrt(la) * sqrt(lb) (operator precedence), which is a different function.
import { KnnRecommender, type Neighbour, type QuerySession } from './base';

export type SknnSimilarity = 'jaccard' | 'cosine' | 'tanimoto' | 'binary';

export interface SknnOptions {
  k?: number;
  sampleSize?: number;
  similarity?: SknnSimilarity;
}

export class Sknn extends KnnRecommender {
  readonly name = 'SKNN';
  private readonly sim: SknnSimilarity;

  constructor({ k = 500, sampleSize = 10000, similarity = 'jaccard' }: SknnOptions = {}) {
    super(k, sampleSize);
    if (!['jaccard', 'cosine', 'tanimoto', 'binary'].includes(similarity)) {
      throw new RangeError(`sknn: unknown similarity ${String(similarity)} (use jaccard, cosine, tanimoto or binary)`);
    }
    this.sim = similarity;
  }

  protected itemWeights(): null {
    return null;
  }

  protected similarity(q: QuerySession, s: number): number {
    const inter = this.index.overlap.data[s]!;
    const a = q.distinct.length;
    const b = this.index.distinct[s]!.length;
    switch (this.sim) {
      case 'jaccard':
      case 'tanimoto':
        return inter / (a + b - inter);
      case 'cosine':
        return inter / Math.sqrt(a * b);
      case 'binary':
        return (2 * inter) / (2 * inter + a + b);
    }
  }

  protected score(_q: QuerySession, neighbours: Neighbour[]): void {
    for (const { session, similarity } of neighbours) {
      for (const item of this.index.distinct[session]!) this.itemScores.add(item, similarity);
    }
  }
}
