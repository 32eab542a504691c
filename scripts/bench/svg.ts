// Hand-written SVG line charts for the bench report (no dependencies, no network).

export interface Series {
  name: string;
  points: [number, number][];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Logarithmic y axis (latencies spanning decades). */
  logY?: boolean;
  /** Horizontal reference line (an aim), with its label. */
  reference?: { y: number; label: string };
}

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const short = (v: number) =>
  Math.abs(v) >= 10_000 ? `${(v / 1000).toFixed(0)}k` : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toPrecision(2);

export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const width = 760;
  const height = 420;
  const m = { left: 70, right: 180, top: 40, bottom: 50 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xmin = Math.min(0, ...all.map(([x]) => x));
  const xmax = Math.max(xmin + 1e-9, ...all.map(([x]) => x));
  const ys = [...all.map(([, y]) => y), ...(o.reference ? [o.reference.y] : [])];
  let y: (v: number) => number;
  let ticks: number[];
  if (o.logY) {
    const lo = 10 ** Math.floor(Math.log10(Math.max(1e-3, Math.min(...ys.filter((v) => v > 0)))));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(lo * 10, ...ys)));
    y = (v) => m.top + ph - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * ph;
    ticks = [];
    for (let t = lo; t <= hi * 1.0001; t *= 10) ticks.push(t);
  } else {
    const ymax = niceCeil(Math.max(...ys, 0) * 1.05);
    y = (v) => m.top + ph - (v / ymax) * ph;
    ticks = [0, 1, 2, 3, 4, 5].map((t) => (ymax * t) / 5);
  }
  const x = (v: number) => m.left + ((v - xmin) / (xmax - xmin)) * pw;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${m.left}" y="22" font-size="15" font-weight="bold">${esc(o.title)}</text>`);
  for (const t of ticks) {
    out.push(`<line x1="${m.left}" y1="${y(t).toFixed(1)}" x2="${m.left + pw}" y2="${y(t).toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 8}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${short(t)}</text>`);
  }
  for (let i = 0; i <= 5; i++) {
    const v = xmin + ((xmax - xmin) * i) / 5;
    out.push(`<text x="${x(v).toFixed(1)}" y="${m.top + ph + 18}" text-anchor="middle">${short(v)}</text>`);
  }
  out.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${height - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  if (o.reference) {
    const ry = y(o.reference.y).toFixed(1);
    out.push(`<line x1="${m.left}" y1="${ry}" x2="${m.left + pw}" y2="${ry}" stroke="#d62728" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${m.left + pw - 4}" y="${Number(ry) - 4}" text-anchor="end" fill="#d62728">${esc(o.reference.label)}</text>`);
  }
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const pts = s.points
      .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
      .map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`)
      .join(' ');
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts}"><title>${esc(s.name)}</title></polyline>`);
    const ly = m.top + 10 + i * 20;
    out.push(`<line x1="${m.left + pw + 16}" y1="${ly}" x2="${m.left + pw + 40}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`);
    out.push(`<text x="${m.left + pw + 46}" y="${ly + 4}">${esc(s.name.length > 20 ? `${s.name.slice(0, 19)}…` : s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
