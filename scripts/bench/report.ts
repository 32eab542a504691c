// The summary table (terminal and Markdown) and the report folder: report.md, one SVG per chart,
// results.json.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Row, ScenarioResult } from './context';

const num = (v: number | null, unit: string) => {
  if (v === null || !Number.isFinite(v)) return '—';
  if (unit === '/s') return Math.round(v).toLocaleString('en-US');
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
};
const ratio = (r: Row) => (r.ratio === null || !Number.isFinite(r.ratio) ? '—' : `${r.ratio.toFixed(2)}×`);
const holds = (r: Row) => (r.holds === null ? '—' : r.holds ? 'yes' : 'NO');

function cells(r: Row): string[] {
  return [r.scenario, `${r.metric} (${r.unit})`, num(r.ours, r.unit), num(r.baseline, r.unit), ratio(r), r.aim, holds(r)];
}
const HEAD = ['scenario', 'metric', 'ours', 'baseline', 'ratio', 'aim', 'holds?'];

export function textTable(rows: readonly Row[]): string {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((c) => [...c[i]!].length)));
  const line = (c: string[]) => c.map((v, i) => (i >= 2 && i <= 4 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  return [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(cells(r)))].join('\n');
}

export function markdownTable(rows: readonly Row[]): string {
  return [`| ${HEAD.join(' | ')} |`, '|---|---|---:|---:|---:|---|---|', ...rows.map((r) => `| ${cells(r).join(' | ')} |`)].join('\n');
}

export interface RunInfo {
  started: Date;
  seconds: number;
  quick: boolean;
  command: string;
  machine: string;
}

export async function writeReport(dir: string, results: readonly ScenarioResult[], info: RunInfo): Promise<string> {
  await mkdir(dir, { recursive: true });
  const rows = results.flatMap((r) => r.rows);
  const md: string[] = [
    '# Bench report',
    '',
    `${info.started.toISOString()} · ${info.quick ? 'quick run' : 'full run'} · ${info.seconds.toFixed(0)} s · \`${info.command}\``,
    '',
    `Machine: ${info.machine}. Every baseline ran in the same run, right before or after ours, on the same machine; ratios are ours / baseline (for latencies, above 1 means ours is slower).`,
    '',
    markdownTable(rows),
    '',
  ];
  for (const r of results) {
    md.push(`## ${r.id}. ${r.title}`, '');
    for (const c of r.charts) {
      await writeFile(path.join(dir, c.file), c.svg);
      md.push(`![${c.caption}](${c.file})`, '', `*${c.caption}*`, '');
    }
    for (const n of r.notes) md.push(`- ${n}`);
    md.push('');
    for (const p of r.profiles) md.push(`### CPU profile: ${p.label}`, '', p.summary, '');
  }
  await writeFile(path.join(dir, 'report.md'), `${md.join('\n')}\n`);
  await writeFile(
    path.join(dir, 'results.json'),
    `${JSON.stringify({ info, rows, results: results.map((r) => ({ id: r.id, title: r.title, notes: r.notes, raw: r.raw })) }, null, 2)}\n`,
  );
  return path.join(dir, 'report.md');
}
