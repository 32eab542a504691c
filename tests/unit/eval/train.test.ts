// The learned blend's training code on examples small enough to check by hand.
import { exampleLoss, meanLoss, topKLoss, trainSoftmax, type Example } from '../../../src/eval/train/softmax';
import { topKShare } from '../../../src/eval/train/cli';

const ex = (rows: number[][], positive: number): Example => ({ rows: Float32Array.from(rows.flat()), candidates: rows.length, positive });

describe('the listwise softmax loss', () => {
  test('two candidates, one feature: ln 2 and gradient -1/2 at w = 0; -ln(3/4) and -1/4 at w = ln 3', () => {
    const e = ex([[1], [0]], 0);
    const grad = new Float64Array(1);
    expect(exampleLoss(e, Float64Array.of(0), 1, grad)).toBeCloseTo(Math.LN2, 10);
    expect(grad[0]).toBeCloseTo(-0.5, 10);
    // p(clicked) = 3 / (3 + 1)
    const grad2 = new Float64Array(1);
    expect(exampleLoss(e, Float64Array.of(Math.log(3)), 1, grad2)).toBeCloseTo(-Math.log(0.75), 10);
    expect(grad2[0]).toBeCloseTo(-0.25, 10);
  });
});

describe('the pairwise top-K loss', () => {
  test('against the K-th best other candidate: scores 2 (clicked), 1, 3 and K = 1 give ln(1 + e) and sigmoid(1) x (3 - 2)', () => {
    const e = ex([[2], [1], [3]], 0);
    const grad = new Float64Array(1);
    expect(topKLoss(e, Float64Array.of(1), 1, 1, 0, grad)).toBeCloseTo(Math.log1p(Math.E), 10);
    expect(grad[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 10);
    // K = 2: the 2nd best other scores 1, margin -1.
    expect(topKLoss(e, Float64Array.of(1), 1, 2, 0)).toBeCloseTo(Math.log1p(Math.exp(-1)), 10);
  });

  test('adds the softmax loss times its share', () => {
    const e = ex([[2], [1], [3]], 0);
    const w = Float64Array.of(1);
    expect(topKLoss(e, w, 1, 1, 0.5)).toBeCloseTo(Math.log1p(Math.E) + 0.5 * exampleLoss(e, w, 1), 10);
  });
});

describe('training', () => {
  // The clicked candidate is the one with the larger second feature; the first feature is noise
  // that points the wrong way half of the time.
  const examples: Example[] = [];
  for (let i = 0; i < 40; i++) {
    const noise = i % 2 === 0 ? 1 : -1;
    examples.push(
      ex(
        [
          [noise, 0.2],
          [-noise, 0.9],
          [0, 0.1],
        ],
        1,
      ),
    );
  }

  test('learns the feature that tells the clicked item apart, and the loss falls', () => {
    const init = Float64Array.of(0, 0);
    const common = { features: 2, init, epochs: 40, learningRate: 0.1, l2: 0, batchSize: 8, seed: 7 };
    const w = trainSoftmax(examples, { ...common, topK: null });
    expect(w[1]).toBeGreaterThan(2);
    expect(Math.abs(w[0]!)).toBeLessThan(w[1]! / 4);
    expect(meanLoss(examples, w, 2)).toBeLessThan(meanLoss(examples, init, 2) / 3);
    expect(topKShare(examples, w, 2, 1)).toBe(1);
    expect(topKShare(examples, Float64Array.of(1, 0), 2, 1)).toBe(0.5); // the noise feature alone: right half of the time
  });

  test('is seeded: the same seed gives the same weights, another seed other ones', () => {
    const o = { features: 2, init: Float64Array.of(0.3, 0), epochs: 3, learningRate: 0.05, l2: 0.01, batchSize: 5, topK: { k: 1, mrrShare: 0.1 } };
    const a = trainSoftmax(examples, { ...o, seed: 1 });
    expect(Array.from(trainSoftmax(examples, { ...o, seed: 1 }))).toEqual(Array.from(a));
    expect(Array.from(trainSoftmax(examples, { ...o, seed: 2 }))).not.toEqual(Array.from(a));
  });
});
