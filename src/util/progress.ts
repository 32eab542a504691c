// The one progress bar of the command-line tools (catalogue import, evaluation, replay), on stderr.
// On a terminal it redraws one line in place at most every 100 ms; otherwise (CI logs, files) it
// prints a plain line each time another tenth of a known total is done, or every 5 s, so logs stay
// readable. Callers say what the line reads; this module decides when and how it is drawn.

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** `[#####-----]`: `fraction` (0..1) of `width` cells filled. */
export function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  if (m < 60) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

const TTY_REDRAW_MS = 100;
const LOG_EVERY_MS = 5000;

export class ProgressLine {
  private lastDraw = -Infinity;
  private lastTenth = -1;

  /** `sink` null: draws nothing (quiet runs). */
  constructor(
    private readonly sink: ProgressSink | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** Offers the current state: the fraction done (null: no known total) and the line; `force` draws at once. */
  update(fraction: number | null, line: () => string, force = false): void {
    if (!this.sink) return;
    const t = this.now();
    if (this.sink.isTTY) {
      if (!force && t - this.lastDraw < TTY_REDRAW_MS) return;
      this.lastDraw = t;
      this.sink.write(`\r${line()}\x1b[K`);
      return;
    }
    const tenth = fraction === null ? -1 : Math.floor(fraction * 10);
    if (!force && !(fraction !== null && tenth > this.lastTenth) && t - this.lastDraw < LOG_EVERY_MS) return;
    this.lastTenth = Math.max(this.lastTenth, tenth);
    this.lastDraw = t;
    this.sink.write(`${line()}\n`);
  }

  /** Draws the final line; on a terminal ends it with a line break. */
  finish(line: string): void {
    if (!this.sink) return;
    this.sink.write(this.sink.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
  }
}
