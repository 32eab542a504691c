// Paired comparison of two methods over the same predictions (`npm run eval -- --paired A B`).
//
// Two methods scored on the same test events are strongly correlated: an easy session is easy for
// both. Comparing their separate intervals ignores that and calls most real gains "noise". The paired
// bootstrap resamples the test sessions once per draw and scores both methods on that same draw, so
// the interval is that of A − B itself. Sessions (not single predictions) are the unit resampled, as
// in every other interval here, because predictions within a session are correlated.
import { sessionBootstrap, type Interval, type MetricAccumulator } from './metrics';

export const PAIRED_RESAMPLES = 1000;
export const PAIRED_SEED = 42;

/** Two runs that did not make the same predictions in the same order cannot be paired. */
export class UnpairedPredictionsError extends Error {
  override readonly name = 'UnpairedPredictionsError';
  readonly code = 'UNPAIRED_PREDICTIONS';
}

export interface PairedRow {
  /** e.g. `HR@20`. */
  metric: string;
  a: number;
  b: number;
  /** a − b. */
  difference: number;
  /** 95% paired bootstrap interval of a − b. */
  ci: Interval;
  /** True when the whole interval lies on one side of zero. */
  excludesZero: boolean;
}

export interface PairedComparison {
  a: string;
  b: string;
  k: number;
  predictions: number;
  sessions: number;
  resamples: number;
  seed: number;
  rows: PairedRow[];
}

export interface PairedSide {
  /** The method as given on the command line. */
  method: string;
  predictions: MetricAccumulator;
}

function sameSequence(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** HR@K and MRR@K of both methods, their difference and its paired 95% bootstrap interval. */
export function comparePaired(
  a: PairedSide,
  b: PairedSide,
  { resamples = PAIRED_RESAMPLES, seed = PAIRED_SEED }: { resamples?: number; seed?: number } = {},
): PairedComparison {
  const accA = a.predictions;
  const accB = b.predictions;
  if (accA.k !== accB.k) throw new UnpairedPredictionsError(`cannot pair K=${accA.k} (${a.method}) with K=${accB.k} (${b.method})`);
  if (!sameSequence(accA.groupList(), accB.groupList())) {
    throw new UnpairedPredictionsError(
      `${a.method} made ${accA.predictions} predictions and ${b.method} ${accB.predictions}, not over the same sessions in the same order`,
    );
  }
  const ta = accA.sessionTotals();
  const tb = accB.sessionTotals();
  const minus = (x: Float64Array, y: Float64Array) => x.map((v, i) => v - y[i]!);
  const [hrCi, mrrCi] = sessionBootstrap(ta.n, [minus(ta.hits, tb.hits), minus(ta.rr, tb.rr)], { resamples, seed }) as [Interval, Interval];
  const total = accA.predictions;
  const mean = (x: Float64Array) => (total ? x.reduce((s, v) => s + v, 0) / total : 0);
  const row = (metric: string, va: number, vb: number, ci: Interval): PairedRow => ({
    metric,
    a: va,
    b: vb,
    difference: va - vb,
    ci,
    excludesZero: ci.low > 0 || ci.high < 0,
  });
  return {
    a: a.method,
    b: b.method,
    k: accA.k,
    predictions: total,
    sessions: ta.n.length,
    resamples,
    seed,
    rows: [row(`HR@${accA.k}`, mean(ta.hits), mean(tb.hits), hrCi), row(`MRR@${accA.k}`, mean(ta.rr), mean(tb.rr), mrrCi)],
  };
}

const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(4)}`;

/** The paired block of the human-readable report. */
export function renderPaired(p: PairedComparison): string {
  const header = ['metric', p.a, p.b, 'A − B', '95% paired CI', 'excludes 0'];
  const rows = p.rows.map((r) => [
    r.metric,
    r.a.toFixed(4),
    r.b.toFixed(4),
    signed(r.difference),
    `[${signed(r.ci.low)}, ${signed(r.ci.high)}]`,
    r.excludesZero ? 'yes' : 'no',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `paired: A = ${p.a}, B = ${p.b}; ${p.predictions} predictions in ${p.sessions} sessions`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    `95% paired percentile bootstrap: the same test sessions resampled for both methods, ${p.resamples} resamples, seed ${p.seed}.`,
  ].join('\n');
}
