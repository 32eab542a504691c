// The experiment report: counters summed per arm, rates with intervals, each arm against the
// first (the control) on click-through and conversion, and a plain verdict. Pure.
import type { Metric } from './attribution';
import type { ExperimentTotals } from './store';
import { ALPHA, difference, MAX_SHOPPERS_ESTIMATE, MIXING_SD, moreShoppersNeeded, roughly, wilson, type Interval } from './stats';

export const REPORT_METHOD =
  `Per arm: share of the arm's shoppers who clicked a recommended item (click-through) and who bought one within the attribution window after clicking it (conversion), ` +
  `with 95 % Wilson score intervals. Differences: arm minus control, with 95 % always-valid intervals (mixture sequential probability ratio test, ` +
  `normal approximation, mixing sd ${MIXING_SD}; Johari et al. 2017), valid however often the report is read. ` +
  `A verdict names a winner only when the difference's interval leaves out zero.`;

export interface Counts {
  lists: number;
  items: number;
  clicks: number;
  carts: number;
  purchases: number;
  revenue: number;
}
export interface StrategyCounts extends Counts {
  strategy: string;
}
export interface ArmReport extends Counts {
  arm: string;
  strategies: StrategyCounts[];
  shoppers: number;
  clickers: number;
  buyers: number;
  clickThrough: Interval;
  conversion: Interval;
  /** Clicks per item shown (no interval: items of one shopper are not independent trials). */
  itemClickRate: number;
}
export type ComparedMetric = 'clickThrough' | 'conversion';
export interface Comparison {
  arm: string;
  control: string;
  metric: ComparedMetric;
  difference: Interval | null;
  /** The arm that wins on this metric, null when none yet. */
  winner: string | null;
  /** About how many more shoppers until a difference this large is told apart (null: none to estimate). */
  moreShoppersNeeded: number | null;
  verdict: string;
}
export interface SeriesPoint {
  at: number;
  arm: string;
  /** Cumulative up to the end of the bucket. */
  shoppers: number;
  clickers: number;
  buyers: number;
}
export interface ExperimentReport {
  experiment: string;
  method: string;
  alpha: number;
  arms: ArmReport[];
  comparisons: Comparison[];
  /** One sentence per comparison on conversion (then click-through where conversion says nothing). */
  verdict: string;
  /** The arm that beats the control on conversion, if one does. */
  winner: string | null;
  series: SeriesPoint[];
}

const COUNT_METRICS = ['lists', 'items', 'clicks', 'carts', 'purchases', 'revenueCents'] as const;
const LABEL: Record<ComparedMetric, string> = { clickThrough: 'click-through', conversion: 'conversion' };

/** `armOrder`: the running experiment's arms in the flag's order (the first is the control); other arms follow by name. */
export function buildReport(experiment: string, totals: ExperimentTotals, armOrder: readonly string[] = []): ExperimentReport {
  const names = new Set<string>();
  for (const field of totals.counts.keys()) names.add(field.split('|')[0]!);
  const arms = [...armOrder.filter((a) => names.has(a)), ...[...names].filter((a) => !armOrder.includes(a)).sort()];
  const count = (arm: string, strategy: string, metric: Metric) => totals.counts.get(`${arm}|${strategy}|${metric}`) ?? 0;

  const armReports = arms.map((arm): ArmReport => {
    const strategies = [
      ...new Set(
        [...totals.counts.keys()]
          .map((f) => f.split('|'))
          .filter(([a, s]) => a === arm && s !== '*')
          .map(([, s]) => s!),
      ),
    ].sort();
    const perStrategy = strategies.map((strategy): StrategyCounts => {
      const [lists, items, clicks, carts, purchases, cents] = COUNT_METRICS.map((m) => count(arm, strategy, m)) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      return { strategy, lists, items, clicks, carts, purchases, revenue: cents / 100 };
    });
    const sum = (key: keyof Counts) => perStrategy.reduce((s, c) => s + c[key], 0);
    const shoppers = count(arm, '*', 'shoppers');
    const clickers = count(arm, '*', 'clickers');
    const buyers = count(arm, '*', 'buyers');
    const items = sum('items');
    return {
      arm,
      strategies: perStrategy,
      lists: sum('lists'),
      items,
      clicks: sum('clicks'),
      carts: sum('carts'),
      purchases: sum('purchases'),
      revenue: Math.round(sum('revenue') * 100) / 100,
      shoppers,
      clickers,
      buyers,
      // A shopper may click without a counted delivery (a list from before the counting began): capped at 1.
      clickThrough: wilson(Math.min(clickers, shoppers), shoppers),
      conversion: wilson(Math.min(buyers, shoppers), shoppers),
      itemClickRate: items > 0 ? sum('clicks') / items : 0,
    };
  });

  const control = armReports[0];
  const comparisons: Comparison[] = [];
  if (control) {
    for (const other of armReports.slice(1)) {
      for (const metric of ['conversion', 'clickThrough'] as const) comparisons.push(compare(control, other, metric));
    }
  }
  const sentences: string[] = [];
  for (const other of armReports.slice(1)) {
    const conversion = comparisons.find((c) => c.arm === other.arm && c.metric === 'conversion')!;
    const clickThrough = comparisons.find((c) => c.arm === other.arm && c.metric === 'clickThrough')!;
    sentences.push(conversion.verdict + (conversion.winner === null && clickThrough.winner !== null ? `; ${clickThrough.verdict}` : ''));
  }
  // The winner on conversion: the best arm that beats the control, or the control when it beats every other arm.
  const onConversion = comparisons.filter((c) => c.metric === 'conversion');
  const beating = armReports
    .filter((a) => onConversion.some((c) => c.arm === a.arm && c.winner === a.arm))
    .sort((a, b) => b.conversion.estimate - a.conversion.estimate);
  const winner = beating[0]?.arm ?? (onConversion.length > 0 && onConversion.every((c) => c.winner === control!.arm) ? control!.arm : null);
  return {
    experiment,
    method: REPORT_METHOD,
    alpha: ALPHA,
    arms: armReports,
    comparisons,
    verdict:
      armReports.length < 2
        ? armReports.length === 0
          ? 'no lists counted yet'
          : `one arm only (${armReports[0]!.arm}): nothing to compare`
        : sentences.join('. '),
    winner,
    series: cumulativeSeries(totals.series, arms),
  };
}

function compare(control: ArmReport, other: ArmReport, metric: ComparedMetric): Comparison {
  const x = (a: ArmReport) => Math.min(metric === 'conversion' ? a.buyers : a.clickers, a.shoppers);
  const diff = difference(x(control), control.shoppers, x(other), other.shoppers);
  const base = { arm: other.arm, control: control.arm, metric, difference: diff };
  const points = (d: number) => `${(Math.abs(d) * 100).toFixed(1)} points`;
  if (diff && diff.low > 0)
    return { ...base, winner: other.arm, moreShoppersNeeded: 0, verdict: `${other.arm} beats ${control.arm} on ${LABEL[metric]} (+${points(diff.estimate)})` };
  if (diff && diff.high < 0)
    return {
      ...base,
      winner: control.arm,
      moreShoppersNeeded: 0,
      verdict: `${control.arm} beats ${other.arm} on ${LABEL[metric]} (+${points(diff.estimate)})`,
    };
  const needed = moreShoppersNeeded(x(control), control.shoppers, x(other), other.shoppers);
  const tail =
    needed === null
      ? diff
        ? ' (the arms are level so far)'
        : ' (an arm has no shoppers yet)'
      : needed === Infinity
        ? `, more than ${MAX_SHOPPERS_ESTIMATE.toLocaleString('en')} more shoppers needed to tell a difference of ${points(diff!.estimate)}`
        : `, about ${roughly(needed).toLocaleString('en')} more shoppers needed to tell a difference of ${points(diff!.estimate)}`;
  return { ...base, winner: null, moreShoppersNeeded: needed, verdict: `${other.arm} vs ${control.arm}: no difference yet on ${LABEL[metric]}${tail}` };
}

function cumulativeSeries(series: ReadonlyMap<string, number>, arms: readonly string[]): SeriesPoint[] {
  const buckets = [...new Set([...series.keys()].map((f) => Number(f.split('|')[0])))].sort((a, b) => a - b);
  const points: SeriesPoint[] = [];
  for (const arm of arms) {
    let shoppers = 0;
    let clickers = 0;
    let buyers = 0;
    for (const at of buckets) {
      shoppers += series.get(`${at}|${arm}|shoppers`) ?? 0;
      clickers += series.get(`${at}|${arm}|clickers`) ?? 0;
      buyers += series.get(`${at}|${arm}|buyers`) ?? 0;
      points.push({ at, arm, shoppers, clickers, buyers });
    }
  }
  return points;
}
