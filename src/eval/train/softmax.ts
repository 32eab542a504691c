// Listwise softmax training of a linear ranking model by mini-batch gradient descent (Adam).
//
// An example is one prediction: the feature rows of the candidates re-ranked (blend.ts) and which
// of them the shopper clicked next. Its loss is -log softmax(scores)[clicked], whose gradient is
// sum_j p_j x_j - x_clicked: the model moves towards the clicked item's features and away from
// the features of what it ranked high instead.
import { seededRandom } from '../../util/seededRandom';

export interface Example {
  /** `candidates` rows of `features` numbers each. */
  rows: Float32Array;
  candidates: number;
  /** Index of the clicked candidate. */
  positive: number;
}

export interface TrainOptions {
  features: number;
  /** Starting weights (e.g. the hand blend's). */
  init: Float64Array;
  epochs: number;
  learningRate: number;
  /** L2 pull towards `init` (keeps weights of rare features near the hand blend). */
  l2: number;
  batchSize: number;
  seed: number;
  /** null: listwise softmax; otherwise the pairwise top-K loss (topKLoss) with this K and MRR share. */
  topK: { k: number; mrrShare: number } | null;
  /** Called after each epoch with its mean loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Softmax loss of one example and its gradient added into `grad`. */
export function exampleLoss(e: Example, w: Float64Array, features: number, grad?: Float64Array): number {
  const scores = new Float64Array(e.candidates);
  let max = -Infinity;
  for (let j = 0; j < e.candidates; j++) {
    let s = 0;
    for (let f = 0; f < features; f++) s += w[f]! * e.rows[j * features + f]!;
    scores[j] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let j = 0; j < e.candidates; j++) sum += Math.exp(scores[j]! - max);
  const loss = max + Math.log(sum) - scores[e.positive]!;
  if (grad) {
    for (let j = 0; j < e.candidates; j++) {
      const p = Math.exp(scores[j]! - max) / sum - (j === e.positive ? 1 : 0);
      if (p === 0) continue;
      for (let f = 0; f < features; f++) grad[f] = grad[f]! + p * e.rows[j * features + f]!;
    }
  }
  return loss;
}

/**
 * Pairwise logistic loss of the clicked item against the K-th best other candidate under `w`:
 * log(1 + exp(s_K - s_clicked)), a smooth "is the clicked item in the top K" (HR@K), plus
 * `mrrShare` x the softmax loss for the order above it. The K-th candidate is chosen afresh at
 * every step (which one it is depends on the weights).
 */
export function topKLoss(e: Example, w: Float64Array, features: number, k: number, mrrShare: number, grad?: Float64Array): number {
  const scores = new Float64Array(e.candidates);
  for (let j = 0; j < e.candidates; j++) {
    let s = 0;
    for (let f = 0; f < features; f++) s += w[f]! * e.rows[j * features + f]!;
    scores[j] = s;
  }
  const others: number[] = [];
  for (let j = 0; j < e.candidates; j++) if (j !== e.positive) others.push(j);
  let loss = 0;
  if (others.length >= k) {
    others.sort((a, b) => scores[b]! - scores[a]!);
    const n = others[k - 1]!;
    const margin = scores[n]! - scores[e.positive]!;
    loss = margin > 30 ? margin : Math.log1p(Math.exp(margin));
    if (grad) {
      const g = 1 / (1 + Math.exp(-margin));
      for (let f = 0; f < features; f++) grad[f] = grad[f]! + g * (e.rows[n * features + f]! - e.rows[e.positive * features + f]!);
    }
  }
  if (mrrShare > 0) {
    const part = new Float64Array(features);
    loss += mrrShare * exampleLoss(e, w, features, grad ? part : undefined);
    if (grad) for (let f = 0; f < features; f++) grad[f] = grad[f]! + mrrShare * part[f]!;
  }
  return loss;
}

export function meanLoss(examples: readonly Example[], w: Float64Array, features: number): number {
  let total = 0;
  for (const e of examples) total += exampleLoss(e, w, features);
  return examples.length ? total / examples.length : 0;
}

export function trainSoftmax(examples: readonly Example[], o: TrainOptions): Float64Array {
  const F = o.features;
  const w = Float64Array.from(o.init);
  const m = new Float64Array(F);
  const v = new Float64Array(F);
  const random = seededRandom(o.seed);
  const order = examples.map((_, i) => i);
  let step = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let total = 0;
    for (let b = 0; b < order.length; b += o.batchSize) {
      const grad = new Float64Array(F);
      const end = Math.min(order.length, b + o.batchSize);
      for (let i = b; i < end; i++) {
        const e = examples[order[i]!]!;
        total += o.topK ? topKLoss(e, w, F, o.topK.k, o.topK.mrrShare, grad) : exampleLoss(e, w, F, grad);
      }
      step++;
      for (let f = 0; f < F; f++) {
        const g = grad[f]! / (end - b) + o.l2 * (w[f]! - o.init[f]!);
        m[f] = 0.9 * m[f]! + 0.1 * g;
        v[f] = 0.999 * v[f]! + 0.001 * g * g;
        const mHat = m[f]! / (1 - 0.9 ** step);
        const vHat = v[f]! / (1 - 0.999 ** step);
        w[f] = w[f]! - (o.learningRate * mHat) / (Math.sqrt(vHat) + 1e-8);
      }
    }
    o.onEpoch?.(epoch, examples.length ? total / examples.length : 0);
  }
  return w;
}
