// The /experiments page, rendered on the server from the report (no script, no network): the
// arms side by side, the comparisons with their intervals, the verdict, and the cumulative rates
// over time as inline SVG. It reloads itself every 10 s while open.
import type { ExperimentReport, SeriesPoint } from './report';
import type { Interval } from './stats';
import { CHART_COLOURS as COLOURS, escapeHtml as esc } from '../util/html';

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const interval = (i: Interval) => `${pct(i.estimate)} <span class="ci">[${pct(i.low)}, ${pct(i.high)}]</span>`;
const points = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}`;
const money = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Cumulative rate per arm over time: one line per arm. */
export function renderRatePlot(series: readonly SeriesPoint[], arms: readonly string[], rate: 'clickers' | 'buyers', title: string): string {
  const width = 640;
  const height = 260;
  const m = { left: 56, right: 120, top: 30, bottom: 36 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const usable = series.filter((p) => p.shoppers > 0);
  const times = usable.map((p) => p.at);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const values = usable.map((p) => p[rate] / p.shoppers);
  // Round ticks: the smallest step among these that needs at most 6 of them.
  const top = Math.max(0.01, ...values);
  const step = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2].find((st) => Math.ceil(top / st) <= 6) ?? 0.2;
  const ticks = Math.ceil(top / step);
  const ymax = Math.min(1, ticks * step);
  const x = (t: number) => m.left + (t1 === t0 ? pw / 2 : ((t - t0) / (t1 - t0)) * pw);
  const y = (v: number) => m.top + ph - (v / ymax) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
  ];
  out.push(`<text x="${m.left}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`);
  for (let t = 0; t <= ticks; t++) {
    const v = Math.min(1, t * step);
    out.push(`<line x1="${m.left}" y1="${y(v).toFixed(1)}" x2="${m.left + pw}" y2="${y(v).toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${(v * 100).toFixed(step < 0.01 ? 1 : 0)} %</text>`);
  }
  out.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="#333"/>`);
  if (usable.length > 0) {
    const clock = (t: number) => new Date(t).toISOString().slice(11, 19);
    out.push(
      `<text x="${m.left}" y="${height - 12}">${clock(t0)} UTC</text><text x="${m.left + pw}" y="${height - 12}" text-anchor="end">${clock(t1)} UTC</text>`,
    );
  } else {
    out.push(`<text x="${m.left + pw / 2}" y="${m.top + ph / 2}" text-anchor="middle" fill="#777">no shoppers counted yet</text>`);
  }
  arms.forEach((arm, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const line = usable.filter((p) => p.arm === arm).map((p) => `${x(p.at).toFixed(1)},${y(p[rate] / p.shoppers).toFixed(1)}`);
    if (line.length > 0) out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${line.join(' ')}"/>`);
    // Markers too: a run shorter than two buckets is a single point.
    for (const xy of line) out.push(`<circle cx="${xy.split(',')[0]}" cy="${xy.split(',')[1]}" r="2.5" fill="${colour}"/>`);
    out.push(
      `<rect x="${m.left + pw + 14}" y="${m.top + i * 18}" width="12" height="3" fill="${colour}"/><text x="${m.left + pw + 30}" y="${m.top + i * 18 + 5}">${esc(arm)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('');
}

export function renderExperimentPage(report: ExperimentReport, experiments: readonly string[]): string {
  const arms = report.arms;
  const row = (label: string, cell: (a: (typeof arms)[number]) => string) =>
    `<tr><th scope="row">${label}</th>${arms.map((a) => `<td>${cell(a)}</td>`).join('')}</tr>`;
  const table = `<table class="arms"><thead><tr><th></th>${arms.map((a, i) => `<th scope="col">${esc(a.arm)}${i === 0 && arms.length > 1 ? ' <small>(control)</small>' : ''}</th>`).join('')}</tr></thead><tbody>
${row('Strategy', (a) => esc(a.strategies.map((s) => s.strategy).join(', ')))}
${row('Shoppers', (a) => String(a.shoppers))}
${row('Lists delivered', (a) => String(a.lists))}
${row('Items shown', (a) => String(a.items))}
${row('Clicks (views from a list)', (a) => String(a.clicks))}
${row('Clicks per item shown', (a) => pct(a.itemClickRate))}
${row('Add-to-carts', (a) => String(a.carts))}
${row('Purchases', (a) => String(a.purchases))}
${row('Revenue', (a) => money.format(a.revenue))}
${row('Click-through (shoppers)', (a) => interval(a.clickThrough))}
${row('Conversion (shoppers)', (a) => interval(a.conversion))}
</tbody></table>`;
  const comparisons =
    report.comparisons.length === 0
      ? ''
      : `<table class="diff"><thead><tr><th>Arm vs control</th><th>Rate</th><th>Difference (points)</th><th>95 % always-valid interval</th><th>Verdict</th></tr></thead><tbody>
${report.comparisons.map((c) => `<tr class="${c.winner ? 'win' : ''}"><td>${esc(c.arm)} vs ${esc(c.control)}</td><td>${c.metric === 'conversion' ? 'conversion' : 'click-through'}</td><td>${c.difference ? points(c.difference.estimate) : '–'}</td><td>${c.difference ? `[${points(c.difference.low)}, ${points(c.difference.high)}]` : '–'}</td><td>${esc(c.verdict)}</td></tr>`).join('\n')}
</tbody></table>`;
  const others = experiments.filter((e) => e !== report.experiment);
  const names = report.arms.map((a) => a.arm);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="10"><title>Experiment ${esc(report.experiment)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:1100px;color:#222}
h1{font-size:1.4rem}.verdict{font-size:1.2rem;padding:.6rem .9rem;background:#f3f6fb;border-left:4px solid #1f77b4}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:right}
th[scope=row],.diff td:first-child,.diff td:last-child{text-align:left}.ci{color:#666;font-size:.85em}.win td{background:#eef8ee}
.plots{display:flex;flex-wrap:wrap;gap:1rem}.plots svg{width:100%;max-width:640px;height:auto}.method{color:#555;font-size:.85rem;max-width:60rem}
.wrap{overflow-x:auto}
</style></head><body>
<h1>Experiment <code>${esc(report.experiment)}</code></h1>
<p class="verdict" data-testid="verdict">${esc(report.verdict)}</p>
<div class="wrap">${table}</div>
<div class="wrap">${comparisons}</div>
<div class="plots">${renderRatePlot(report.series, names, 'buyers', 'Conversion over time (cumulative)')}${renderRatePlot(report.series, names, 'clickers', 'Click-through over time (cumulative)')}</div>
<p class="method"><strong>Method.</strong> ${esc(report.method)}</p>
${others.length > 0 ? `<p>Other experiments: ${others.map((e) => `<a href="?experiment=${encodeURIComponent(e)}">${esc(e)}</a>`).join(', ')}</p>` : ''}
</body></html>`;
}
