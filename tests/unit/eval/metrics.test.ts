import { MetricAccumulator, hitRate, meanReciprocalRank, rankOf } from '../../../src/eval/metrics';

describe('HR@K and MRR@K', () => {
  it('rank the target by its 1-based position in the list, 0 when absent', () => {
    expect(rankOf(['a', 'b', 'c'], 'a')).toBe(1);
    expect(rankOf(['a', 'b', 'c'], 'c')).toBe(3);
    expect(rankOf(['a', 'b', 'c'], 'z')).toBe(0);
  });

  it('match a hand-computed example', () => {
    // Four predictions with the target at rank 1, 3, absent and 5.
    const ranks = [1, 3, 0, 5];
    expect(hitRate(ranks, 5)).toBeCloseTo(3 / 4);
    expect(meanReciprocalRank(ranks, 5)).toBeCloseTo((1 + 1 / 3 + 1 / 5) / 4);
    // At K=3 the rank-5 hit no longer counts.
    expect(hitRate(ranks, 3)).toBeCloseTo(2 / 4);
    expect(meanReciprocalRank(ranks, 3)).toBeCloseTo((1 + 1 / 3) / 4);
  });

  it('are 0 when there is nothing to score', () => {
    expect(hitRate([], 20)).toBe(0);
    expect(meanReciprocalRank([], 20)).toBe(0);
  });
});

describe('the metric accumulator', () => {
  it('gives HR and MRR at every cut-off from 1 to K', () => {
    const acc = new MetricAccumulator(3);
    acc.add(['a', 'b', 'c'], 'a', 's1'); // rank 1
    acc.add(['a', 'b', 'c'], 'c', 's1'); // rank 3
    acc.add(['d', 'e'], 'z', 's2'); // miss, short list
    acc.add(['a', 'b', 'c', 'x'], 'x', 's2'); // rank 4 > K: miss
    const m = acc.summary(10, { resamples: 0 });
    expect(m.predictions).toBe(4);
    expect(m.sessions).toBe(2);
    expect(m.hrCurve).toEqual([0.25, 0.25, 0.5]);
    expect(m.hr).toBe(0.5);
    expect(m.mrr).toBeCloseTo((1 + 1 / 3) / 4);
    expect(m.mrrCurve[0]).toBeCloseTo(0.25);
    expect(m.shortLists).toBe(1);
  });

  it('measures coverage as distinct items shown in any top-K list over the catalogue size', () => {
    const acc = new MetricAccumulator(2);
    acc.add(['a', 'b', 'c'], 'a', 's'); // only a, b are within K
    acc.add(['b', 'd'], 'a', 's');
    expect(acc.summary(10, { resamples: 0 }).coverage).toBeCloseTo(3 / 10);
  });

  it('brackets the estimate with a reproducible bootstrap interval over sessions', () => {
    const acc = new MetricAccumulator(1);
    for (let s = 0; s < 200; s++) for (let j = 0; j < 3; j++) acc.add(['a'], s % 4 === 0 ? 'a' : 'b', `s${s}`);
    const a = acc.summary(1);
    const b = acc.summary(1);
    expect(a.hr).toBeCloseTo(0.25);
    expect(a.hrCi.low).toBeLessThan(0.25);
    expect(a.hrCi.high).toBeGreaterThan(0.25);
    expect(a.hrCi.high - a.hrCi.low).toBeLessThan(0.2);
    expect(b.hrCi).toEqual(a.hrCi);
  });

  it('gives a zero-width interval when every session scores the same', () => {
    const acc = new MetricAccumulator(5);
    for (let s = 0; s < 20; s++) acc.add(['x'], 'x', `s${s}`);
    const m = acc.summary(1);
    expect(m.hrCi).toEqual({ low: 1, high: 1 });
    expect(m.mrrCi).toEqual({ low: 1, high: 1 });
  });
});
