// The statistics of the experiment report, as plain functions.
//
// Per arm: a rate with its 95 % Wilson score interval.
// Between arms: the difference of two proportions with a 95 % always-valid interval, from the
// mixture sequential probability ratio test (mSPRT; Johari, Koomen, Pekelis & Walsh, "Peeking
// at A/B tests", KDD 2017) under the normal approximation. A live report is looked at again and
// again; a fixed-sample interval looked at every few minutes would, sooner or later, exclude zero
// for two identical arms. The always-valid interval holds at every look, so the verdict may be
// read at any time.

export const Z95 = 1.959963984540054;
export const ALPHA = 0.05;
/**
 * The mSPRT's mixing standard deviation: the size of difference (as a proportion) the test is
 * most sensitive to. Two percentage points: the order of the lifts a recommendation strategy
 * brings to click-through and conversion.
 */
export const MIXING_SD = 0.02;

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** Wilson score interval of x successes in n trials (n = 0: the whole [0, 1]). */
export function wilson(x: number, n: number, z = Z95): Interval {
  if (n <= 0) return { estimate: 0, low: 0, high: 1 };
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Variance of a difference of two proportions; each rate shrunk by one success and one failure so that 0/n still has a variance. */
function varianceOfDifference(x1: number, n1: number, x2: number, n2: number): number {
  const p1 = (x1 + 1) / (n1 + 2);
  const p2 = (x2 + 1) / (n2 + 2);
  return (p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2;
}

/** Half-width of the always-valid (1 - alpha) interval for a difference whose estimate has variance v. */
export function alwaysValidHalfWidth(v: number, tau = MIXING_SD, alpha = ALPHA): number {
  const t2 = tau * tau;
  return Math.sqrt(((2 * v * (v + t2)) / t2) * (Math.log(1 / alpha) + 0.5 * Math.log((v + t2) / v)));
}

/** Rate of arm B minus rate of arm A, with its always-valid 95 % interval (null: an arm has no shoppers). */
export function difference(xA: number, nA: number, xB: number, nB: number): Interval | null {
  if (nA <= 0 || nB <= 0) return null;
  const estimate = xB / nB - xA / nA;
  const half = alwaysValidHalfWidth(varianceOfDifference(xA, nA, xB, nB));
  return { estimate, low: estimate - half, high: estimate + half };
}

/** Shoppers per arm beyond which no estimate is given ("more than ..."). */
export const MAX_SHOPPERS_ESTIMATE = 10_000_000;

/**
 * About how many more shoppers (both arms together) it takes for a difference as large as the one
 * observed to leave zero out of the interval, at the rates observed and the current split.
 * null: no difference observed at all, nothing to estimate; Infinity: beyond MAX_SHOPPERS_ESTIMATE.
 */
export function moreShoppersNeeded(xA: number, nA: number, xB: number, nB: number): number | null {
  if (nA <= 0 || nB <= 0) return null;
  const d = Math.abs(xB / nB - xA / nA);
  if (d === 0) return null;
  const v = varianceOfDifference(xA, nA, xB, nB);
  const clearAt = (k: number) => alwaysValidHalfWidth(v / k) < d; // k: the sample's growth factor
  if (clearAt(1)) return 0;
  let high = 2;
  while (!clearAt(high)) {
    high *= 2;
    if (high * Math.max(nA, nB) > MAX_SHOPPERS_ESTIMATE) return Infinity;
  }
  let low = high / 2;
  while (high - low > 0.01) {
    const mid = (low + high) / 2;
    if (clearAt(mid)) high = mid;
    else low = mid;
  }
  return Math.ceil((high - 1) * (nA + nB));
}

/** Shoppers needed, rounded to two significant digits for a plain sentence. */
export function roughly(n: number): number {
  if (n < 100) return Math.max(10, Math.ceil(n / 10) * 10);
  const scale = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.ceil(n / scale) * scale;
}
