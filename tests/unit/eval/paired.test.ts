import { MetricAccumulator } from '../../../src/eval/metrics';
import { UnpairedPredictionsError, comparePaired, renderPaired } from '../../../src/eval/paired';

/** An accumulator fed predictions given as ranks (0 = miss) per session; K = 20. */
function predictionsOf(sessions: number[][], k = 20): MetricAccumulator {
  const acc = new MetricAccumulator(k);
  sessions.forEach((ranks, s) => {
    for (const rank of ranks) {
      // A list with the target at `rank` (or not at all).
      const recs = Array.from({ length: k }, (_, i) => (i + 1 === rank ? 'target' : `other${i}`));
      acc.add(recs, 'target', `s${s}`);
    }
  });
  return acc;
}

describe('the paired comparison of two methods', () => {
  // Three sessions of two predictions each. A hits every prediction; B exactly one per session.
  //   s0: A ranks 1, 2   B ranks 1, miss   -> hits 2 vs 1, RR 1.5 vs 1.0
  //   s1: A ranks 2, 1   B ranks miss, 1   -> hits 2 vs 1, RR 1.5 vs 1.0
  //   s2: A ranks 2, 2   B ranks 2, miss   -> hits 2 vs 1, RR 1.0 vs 0.5
  // HR: A 6/6 = 1, B 3/6 = .5, A − B = .5. MRR: A 4/6, B 2.5/6, A − B = 1.5/6 = .25.
  // Every session has A − B = .5 per prediction in hits and .25 in RR, so every resample of
  // sessions gives exactly .5 and .25: the paired interval is a single point.
  const A = [
    [1, 2],
    [2, 1],
    [2, 2],
  ];
  const B = [
    [1, 0],
    [0, 1],
    [2, 0],
  ];

  it('gives each figure, the difference and a degenerate interval on a hand-checked example', () => {
    const p = comparePaired({ method: 'a', predictions: predictionsOf(A) }, { method: 'b', predictions: predictionsOf(B) });
    expect(p).toMatchObject({ a: 'a', b: 'b', k: 20, predictions: 6, sessions: 3, resamples: 1000, seed: 42 });
    const [hr, mrr] = p.rows;
    expect(hr!.metric).toBe('HR@20');
    expect(hr!.a).toBeCloseTo(1, 12);
    expect(hr!.b).toBeCloseTo(0.5, 12);
    expect(hr!.difference).toBeCloseTo(0.5, 12);
    expect(hr!.ci.low).toBeCloseTo(0.5, 12);
    expect(hr!.ci.high).toBeCloseTo(0.5, 12);
    expect(hr!.excludesZero).toBe(true);
    expect(mrr!.metric).toBe('MRR@20');
    expect(mrr!.a).toBeCloseTo(4 / 6, 12);
    expect(mrr!.b).toBeCloseTo(2.5 / 6, 12);
    expect(mrr!.difference).toBeCloseTo(0.25, 12);
    expect(mrr!.ci.low).toBeCloseTo(0.25, 12);
    expect(mrr!.ci.high).toBeCloseTo(0.25, 12);
    // Each method alone is not constant across sessions (A's RR per prediction is .75, .75, .5),
    // so its own interval is wide where the paired one is a point.
    const alone = predictionsOf(A).summary(10);
    expect(alone.mrrCi.high - alone.mrrCi.low).toBeGreaterThan(0.1);
  });

  it("agrees with each method's own figures and reverses sign when A and B swap", () => {
    const a = predictionsOf(A);
    const b = predictionsOf(B);
    const ab = comparePaired({ method: 'a', predictions: a }, { method: 'b', predictions: b });
    const ba = comparePaired({ method: 'b', predictions: b }, { method: 'a', predictions: a });
    expect(ab.rows[0]!.a).toBeCloseTo(a.summary(10, { resamples: 0 }).hr, 12);
    expect(ab.rows[1]!.b).toBeCloseTo(b.summary(10, { resamples: 0 }).mrr, 12);
    expect(ba.rows[0]!.difference).toBeCloseTo(-0.5, 12);
    expect(ba.rows[0]!.ci.high).toBeCloseTo(-0.5, 12);
    expect(ba.rows[0]!.excludesZero).toBe(true);
  });

  it('finds a difference the two separate intervals cannot, because it resamples the same sessions for both', () => {
    // 200 sessions of 5 predictions: the even ones are easy (both methods hit all 5), the odd ones
    // hard (both miss all 5), except that A also hits 1 of the 5 in every other odd session.
    // HR: B .5, A .55. Session difficulty dominates each method's own interval (about ±.07), so
    // the two intervals overlap; A − B is ≥ 0 in every session, so the paired one stays above 0.
    const a: number[][] = [];
    const b: number[][] = [];
    for (let s = 0; s < 200; s++) {
      const easy = s % 2 === 0;
      b.push(easy ? [1, 1, 1, 1, 1] : [0, 0, 0, 0, 0]);
      a.push(easy ? [1, 1, 1, 1, 1] : s % 4 === 1 ? [3, 0, 0, 0, 0] : [0, 0, 0, 0, 0]);
    }
    const accA = predictionsOf(a);
    const accB = predictionsOf(b);
    const alone = { a: accA.summary(10), b: accB.summary(10) };
    expect(alone.a.hr).toBeCloseTo(0.55, 12);
    expect(alone.b.hr).toBeCloseTo(0.5, 12);
    expect(alone.a.hrCi.low).toBeLessThan(alone.b.hrCi.high); // unpaired: overlapping, "noise"
    const p = comparePaired({ method: 'a', predictions: accA }, { method: 'b', predictions: accB });
    expect(p.rows[0]!.difference).toBeCloseTo(0.05, 12);
    expect(p.rows[0]!.ci.low).toBeGreaterThan(0);
    expect(p.rows[0]!.ci.low).toBeLessThan(0.05);
    expect(p.rows[0]!.ci.high).toBeGreaterThan(0.05);
    expect(p.rows[0]!.excludesZero).toBe(true);
    expect(p.rows[1]!.difference).toBeCloseTo((50 * (1 / 3)) / 1000, 12);
    expect(p.rows[1]!.excludesZero).toBe(true);
  });

  it('says when an interval includes zero', () => {
    const p = comparePaired({ method: 'a', predictions: predictionsOf(A) }, { method: 'same', predictions: predictionsOf(A) });
    expect(p.rows.map((r) => [r.difference, r.ci.low, r.ci.high, r.excludesZero])).toEqual([
      [0, 0, 0, false],
      [0, 0, 0, false],
    ]);
    expect(renderPaired(p)).toMatch(/^HR@20 .* \+0\.0000 +\[\+0\.0000, \+0\.0000\] +no$/m);
  });

  it('refuses runs whose predictions are not the same sessions in the same order', () => {
    const a = { method: 'a', predictions: predictionsOf(A) };
    expect(() => comparePaired(a, { method: 'short', predictions: predictionsOf(B.slice(0, 2)) })).toThrow(UnpairedPredictionsError);
    expect(() => comparePaired(a, { method: 'short', predictions: predictionsOf(B.slice(0, 2)) })).toThrow(
      /a made 6 predictions and short 4, not over the same sessions/,
    );
    expect(() => comparePaired(a, { method: 'k5', predictions: predictionsOf(B, 5) })).toThrow(/cannot pair K=20 \(a\) with K=5 \(k5\)/);
  });

  it('prints one row per metric with the difference, its interval, whether it excludes zero and the resamples', () => {
    const text = renderPaired(comparePaired({ method: 'ours', predictions: predictionsOf(A) }, { method: 'vstan', predictions: predictionsOf(B) }));
    expect(text).toMatch(/^paired: A = ours, B = vstan; 6 predictions in 3 sessions$/m);
    expect(text).toMatch(/^HR@20 +1\.0000 +0\.5000 +\+0\.5000 +\[\+0\.5000, \+0\.5000\] +yes$/m);
    expect(text).toMatch(/^MRR@20 +0\.6667 +0\.4167 +\+0\.2500 +\[\+0\.2500, \+0\.2500\] +yes$/m);
    expect(text).toMatch(/1000 resamples, seed 42/);
  });
});
