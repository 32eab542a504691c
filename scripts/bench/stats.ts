// Small numeric helpers for the bench: percentiles over raw samples, rates, formatting.
import type autocannon from 'autocannon';

export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
  };
}

/** The percentile curve of a sample set (for plots): [percentile, value] at fixed points. */
export function percentileCurve(samples: readonly number[]): [number, number][] {
  const sorted = [...samples].sort((a, b) => a - b);
  const points = [0, 10, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.9, 100];
  return sorted.length === 0 ? [] : points.map((p) => [p, p === 0 ? sorted[0]! : percentile(sorted, p)]);
}

export const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
export const fmtInt = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until `test` holds, checking every `every` ms; false when `ms` passed first. */
export async function waitFor(test: () => boolean | Promise<boolean>, ms: number, every = 20): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await test()) return true;
    await sleep(every);
  }
  return test();
}

/** Prometheus text format: the value of one series (exact name with labels), or NaN; summed when the text holds several processes' scrapes. */
export function promSample(text: string, series: string): number {
  const values = text
    .split('\n')
    .filter((l) => l.startsWith(`${series} `))
    .map((l) => Number(l.slice(series.length + 1)));
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0);
}

/** A quantile estimated from a Prometheus histogram's cumulative buckets (upper bound of the bucket), in the metric's unit. */
export function promQuantile(text: string, name: string, q: number): number {
  const counts = new Map<number, number>(); // several processes' scrapes add up per bucket
  for (const line of text.split('\n')) {
    const m = line.match(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`));
    if (m) {
      const le = m[1] === '+Inf' ? Infinity : Number(m[1]);
      counts.set(le, (counts.get(le) ?? 0) + Number(m[2]));
    }
  }
  const buckets = [...counts].sort((a, b) => a[0] - b[0]);
  const total = buckets[buckets.length - 1]?.[1] ?? 0;
  if (total === 0) return NaN;
  return buckets.find(([, c]) => c >= q * total)?.[0] ?? NaN;
}

/** An autocannon latency histogram as the (percentile, ms) points of a latency chart. */
export function latencyCurve(h: autocannon.Histogram): [number, number][] {
  return [
    [1, h.p1],
    [10, h.p10],
    [25, h.p25],
    [50, h.p50],
    [75, h.p75],
    [90, h.p90],
    [97.5, h.p97_5],
    [99, h.p99],
    [99.9, h.p99_9],
    [100, h.max],
  ];
}
