// A hand-written SVG line chart of HR@1..K per method (no dependencies, no network).
import type { MethodResult } from '../protocols/common';
import { CHART_COLOURS as COLOURS, escapeHtml as esc } from '../../util/html';

/** A "nice" upper bound for the y axis: 0.05 steps up to 1. */
function niceMax(value: number): number {
  return Math.min(1, Math.max(0.05, Math.ceil(value / 0.05) * 0.05));
}

export function renderHitRateSvg(results: readonly MethodResult[], k: number, title: string): string {
  const width = 760;
  const height = 460;
  const m = { left: 60, right: 190, top: 40, bottom: 50 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const ymax = niceMax(Math.max(0, ...results.flatMap((r) => r.metrics.hrCurve)));
  const x = (i: number) => m.left + (k === 1 ? pw / 2 : ((i - 1) / (k - 1)) * pw);
  const y = (v: number) => m.top + ph - (v / ymax) * ph;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${m.left}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);
  const yTicks = 5;
  for (let t = 0; t <= yTicks; t++) {
    const v = (ymax * t) / yTicks;
    out.push(`<line x1="${m.left}" y1="${y(v).toFixed(1)}" x2="${m.left + pw}" y2="${y(v).toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(2)}</text>`);
  }
  const xStep = k <= 20 ? 1 : Math.ceil(k / 20);
  for (let i = 1; i <= k; i += xStep) {
    out.push(`<text x="${x(i).toFixed(1)}" y="${m.top + ph + 18}" text-anchor="middle">${i}</text>`);
  }
  out.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${height - 12}" text-anchor="middle">list length n (HR@n)</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">hit rate</text>`);
  results.forEach((r, idx) => {
    const colour = COLOURS[idx % COLOURS.length]!;
    const pts = r.metrics.hrCurve.map((v, i) => `${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts}"><title>${esc(r.method)}</title></polyline>`);
    const ly = m.top + 10 + idx * 20;
    out.push(`<line x1="${m.left + pw + 16}" y1="${ly}" x2="${m.left + pw + 40}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`);
    const label = `${r.method} ${r.metrics.hr.toFixed(3)}`;
    out.push(`<text x="${m.left + pw + 46}" y="${ly + 4}">${esc(label.length > 22 ? `${label.slice(0, 21)}…` : label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
