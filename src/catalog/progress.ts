// The importer's line on the shared progress bar (src/util/progress.ts): bytes read of the file's
// size when it is known, and the row counts.
import { bar, ProgressLine, type ProgressSink } from '../util/progress';
import type { ImportProgress } from './import';

export type ProgressOutput = ProgressSink;

export interface ProgressBar {
  update(progress: ImportProgress): void;
  done(progress: ImportProgress): void;
}

const count = (n: number) => n.toLocaleString('en-US');

export function describe(p: ImportProgress): string {
  return `${count(p.rows)} rows, ${count(p.written)} written, ${count(p.unchanged)} unchanged, ${count(p.refused)} refused`;
}

export function createProgressBar(out: ProgressOutput, totalBytes: number | null, now: () => number = Date.now): ProgressBar {
  const progress = new ProgressLine(out, now);
  const fraction = (p: ImportProgress) => (totalBytes ? Math.min(1, p.bytes / totalBytes) : null);

  const line = (p: ImportProgress): string => {
    const f = fraction(p);
    if (f === null) return describe(p);
    const width = Math.max(10, Math.min(30, (out.columns ?? 80) - 70));
    return `${bar(f, width)} ${String(Math.floor(f * 100)).padStart(3)}% ${describe(p)}`;
  };

  return {
    update: (p) => progress.update(fraction(p), () => line(p)),
    done: (p) => progress.finish(line(p)),
  };
}
