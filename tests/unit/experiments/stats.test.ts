import { alwaysValidHalfWidth, difference, moreShoppersNeeded, wilson, Z95 } from '../../../src/experiments/stats';
import { seededRandom } from '../../../src/util/seededRandom';

describe('the report statistics', () => {
  test('the Wilson interval matches the textbook formula and stays inside [0, 1]', () => {
    // 81 of 263: the example of Wilson (1927) as worked in Newcombe (1998): 0.2553 to 0.3662.
    const w = wilson(81, 263);
    expect(w.low).toBeCloseTo(0.2553, 3);
    expect(w.high).toBeCloseTo(0.3662, 3);
    expect(wilson(0, 10).low).toBe(0);
    expect(wilson(10, 10).high).toBeCloseTo(1, 12);
    expect(wilson(0, 0)).toEqual({ estimate: 0, low: 0, high: 1 });
  });

  test('the Wilson interval covers the true rate about 95 % of the time', () => {
    const random = seededRandom(42);
    let covered = 0;
    for (let run = 0; run < 2_000; run++) {
      let x = 0;
      for (let i = 0; i < 400; i++) if (random() < 0.07) x++;
      const w = wilson(x, 400);
      if (w.low <= 0.07 && 0.07 <= w.high) covered++;
    }
    expect(covered / 2_000).toBeGreaterThan(0.93);
    expect(covered / 2_000).toBeLessThan(0.975);
  });

  test('the always-valid interval is wider than the fixed-sample one, and narrows as shoppers come', () => {
    const v = 1e-4;
    expect(alwaysValidHalfWidth(v)).toBeGreaterThan(Z95 * Math.sqrt(v));
    expect(alwaysValidHalfWidth(v / 4)).toBeLessThan(alwaysValidHalfWidth(v));
  });

  test('two identical arms watched after every 100 shoppers rarely ever show a difference (peeking is safe)', () => {
    const random = seededRandom(7);
    let everDifferent = 0;
    const runs = 200;
    for (let run = 0; run < runs; run++) {
      let a = 0;
      let b = 0;
      for (let n = 1; n <= 3_000; n++) {
        if (random() < 0.05) a++;
        if (random() < 0.05) b++;
        if (n % 100 === 0) {
          const d = difference(a, n, b, n)!;
          if (d.low > 0 || d.high < 0) {
            everDifferent++;
            break;
          }
        }
      }
    }
    expect(everDifferent / runs).toBeLessThanOrEqual(0.05);
  });

  test('estimates more shoppers for a smaller observed difference, none when one is already told apart', () => {
    const small = moreShoppersNeeded(50, 1000, 55, 1000)!;
    const large = moreShoppersNeeded(50, 1000, 70, 1000)!;
    expect(small).toBeGreaterThan(large);
    expect(moreShoppersNeeded(50, 1000, 200, 1000)).toBe(0);
    expect(moreShoppersNeeded(50, 1000, 50, 1000)).toBeNull();
    // Adding the estimated shoppers at the same rates does tell the difference apart.
    const k = 1 + large / 2000;
    const d = difference(50 * k, 1000 * k, 70 * k, 1000 * k)!;
    expect(d.low).toBeGreaterThan(0);
  });
});
