// The importer's progress on stderr: a redrawn bar on a terminal, a plain line every 10 % (or every
// 5 s without a known size) when stderr is a file or a pipe, so CI logs stay readable.
import type { ImportProgress } from './import';

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBar {
  update(progress: ImportProgress): void;
  done(progress: ImportProgress): void;
}

const count = (n: number) => n.toLocaleString('en-US');

export function describe(p: ImportProgress): string {
  return `${count(p.rows)} rows, ${count(p.written)} written, ${count(p.unchanged)} unchanged, ${count(p.refused)} refused`;
}

export function createProgressBar(out: ProgressOutput, totalBytes: number | null, now: () => number = Date.now): ProgressBar {
  let lastDraw = -Infinity;
  let lastTenth = -1;
  const fraction = (p: ImportProgress) => (totalBytes ? Math.min(1, p.bytes / totalBytes) : null);

  const line = (p: ImportProgress): string => {
    const f = fraction(p);
    if (f === null) return describe(p);
    const width = Math.max(10, Math.min(30, (out.columns ?? 80) - 70));
    const filled = Math.round(f * width);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(f * 100)).padStart(3)}% ${describe(p)}`;
  };

  return {
    update(p) {
      const t = now();
      if (out.isTTY) {
        if (t - lastDraw < 100) return;
        lastDraw = t;
        out.write(`\r${line(p)}\x1b[K`);
        return;
      }
      const f = fraction(p);
      const tenth = f === null ? -1 : Math.floor(f * 10);
      if ((f !== null && tenth > lastTenth) || (f === null && t - lastDraw >= 5000)) {
        lastTenth = tenth;
        lastDraw = t;
        out.write(`${line(p)}\n`);
      }
    },
    done(p) {
      out.write(out.isTTY ? `\r${line(p)}\x1b[K\n` : `${line(p)}\n`);
    },
  };
}
