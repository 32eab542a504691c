// The plain-text result table.
import type { MethodResult } from '../protocols/common';
import { formatCount } from '../../util/progress';

function pad(text: string, width: number, right: boolean): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

export function renderTable(results: readonly MethodResult[], k: number): string {
  const header = ['method', `HR@${k}`, '95% CI', `MRR@${k}`, '95% CI', `cov@${k}`, 'preds', 'events/s', 'p50 µs', 'p99 µs'];
  const rows = results.map((r) => {
    const m = r.metrics;
    return [
      r.method,
      m.hr.toFixed(4),
      `[${m.hrCi.low.toFixed(4)}, ${m.hrCi.high.toFixed(4)}]`,
      m.mrr.toFixed(4),
      `[${m.mrrCi.low.toFixed(4)}, ${m.mrrCi.high.toFixed(4)}]`,
      m.coverage.toFixed(3),
      String(r.predicted),
      formatCount(r.eventsPerSec),
      r.latencyUs.p50.toFixed(0),
      r.latencyUs.p99.toFixed(0),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i > 0)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
