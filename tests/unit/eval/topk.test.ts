import { mulberry32 } from '../../../src/eval/metrics';
import { MonotoneTopTracker, selectBest, tieKey, topK } from '../../../src/eval/methods/topk';

const byScoreThenTieKey = (s: ArrayLike<number>) => (a: number, b: number) => s[b]! - s[a]! || tieKey(a) - tieKey(b);

describe('top-k selection', () => {
  const scores = [0.5, 0.9, 0.5, 0, 0.7, 0.5];

  it('breaks ties by a fixed pseudo-random order of ids that is neither first-seen nor last-seen first', () => {
    const order = [0, 1, 2, 3, 4, 5, 6].sort((a, b) => tieKey(a) - tieKey(b));
    expect(order).toEqual([0, 5, 2, 4, 1, 6, 3]);
    expect(new Set(Array.from({ length: 1000 }, (_, i) => tieKey(i))).size).toBe(1000);
  });

  it('returns the best ids, best first, positive scores only', () => {
    // 0, 2 and 5 tie at 0.5; the tie key puts 0, then 5, then 2.
    expect(topK([0, 1, 2, 3, 4, 5], 6, scores, 4)).toEqual([1, 4, 0, 5]);
    expect(topK([0, 1, 2, 3, 4, 5], 6, scores, 10)).toEqual([1, 4, 0, 5, 2]);
    expect(topK([5, 2, 0], 3, scores, 2)).toEqual([0, 5]);
  });

  it('selects the same set without sorting it', () => {
    expect(selectBest([0, 1, 2, 3, 4, 5], 6, scores, 4).sort()).toEqual([0, 1, 4, 5]);
    expect(selectBest([0, 1, 2, 3, 4, 5], 6, scores, 4, -Infinity).sort()).toEqual([0, 1, 4, 5]);
    expect(selectBest([3], 1, scores, 4, -Infinity)).toEqual([3]);
  });

  it('agrees with a full sort on random data with many ties', () => {
    const rand = mulberry32(7);
    for (let round = 0; round < 50; round++) {
      const n = 1 + Math.floor(rand() * 200);
      const s = Array.from({ length: n }, () => Math.floor(rand() * 10) / 10);
      const ids = Array.from({ length: n }, (_, i) => i);
      const k = 1 + Math.floor(rand() * 30);
      const expected = ids
        .filter((i) => s[i]! > 0)
        .sort(byScoreThenTieKey(s))
        .slice(0, k);
      expect(topK(ids, n, s, k)).toEqual(expected);
      expect(selectBest(ids, n, s, k).sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
    }
  });
});

describe('the monotone top tracker', () => {
  it('stays exact while scores only grow, including items entering from outside the top', () => {
    const rand = mulberry32(3);
    const scores = new Float64Array(50);
    const tracker = new MonotoneTopTracker(5, () => scores);
    for (let step = 0; step < 2000; step++) {
      const id = Math.floor(rand() * rand() * 50);
      scores[id]! += 1;
      tracker.touched(id);
      const expected = Array.from({ length: 50 }, (_, i) => i)
        .filter((i) => scores[i]! > 0)
        .sort(byScoreThenTieKey(scores))
        .slice(0, 5);
      expect(tracker.best(5)).toEqual(expected);
    }
  });
});
