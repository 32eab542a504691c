// The experiment report as plain-text tables (the simulator's output, the README's figures).
import type { ArmReport } from './report';
import type { Interval } from './stats';

/** What the tables need: the report as built here or as the ExperimentReport query answers it. */
export interface ReportLike {
  experiment: string;
  verdict: string;
  arms: Pick<ArmReport, 'arm' | 'shoppers' | 'lists' | 'items' | 'clicks' | 'carts' | 'purchases' | 'revenue' | 'clickThrough' | 'conversion'>[];
  comparisons: { arm: string; control: string; metric: string; difference: Interval | null; verdict: string }[];
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const ci = (i: Interval) => `${pct(i.estimate)} [${pct(i.low)}, ${pct(i.high)}]`;
const pts = (v: number) => `${v >= 0 ? '+' : '-'}${Math.abs(v * 100).toFixed(1)}`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function formatReport(report: ReportLike): string {
  const arms = table(
    ['arm', 'shoppers', 'lists', 'items', 'clicks', 'carts', 'purchases', 'revenue', 'click-through [95% CI]', 'conversion [95% CI]'],
    report.arms.map((a) => [
      a.arm,
      String(a.shoppers),
      String(a.lists),
      String(a.items),
      String(a.clicks),
      String(a.carts),
      String(a.purchases),
      a.revenue.toFixed(2),
      ci(a.clickThrough),
      ci(a.conversion),
    ]),
  );
  const comparisons = table(
    ['arm vs control', 'rate', 'difference (points) [95% always-valid]', 'verdict'],
    report.comparisons.map((c) => [
      `${c.arm} vs ${c.control}`,
      c.metric === 'conversion' ? 'conversion' : 'click-through',
      c.difference ? `${pts(c.difference.estimate)} [${pts(c.difference.low)}, ${pts(c.difference.high)}]` : '-',
      c.verdict,
    ]),
  );
  return `experiment ${report.experiment}\n\n${arms}\n\n${report.comparisons.length > 0 ? `${comparisons}\n\n` : ''}verdict: ${report.verdict}\n`;
}
