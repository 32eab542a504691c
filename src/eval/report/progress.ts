// A progress bar on stderr: units done, rate, ETA. On a terminal it redraws one line at most
// every 100 ms; otherwise (CI logs) it prints a plain line every 5 s, so logs stay readable.

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
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

export class Progress {
  private done = 0;
  private label = '';
  private readonly started = Date.now();
  private lastDraw = 0;
  private readonly interval: number;
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly sink: ProgressSink | null,
    private readonly now: () => number = Date.now,
  ) {
    this.interval = sink?.isTTY ? 100 : 5000;
  }

  setLabel(label: string): void {
    this.label = label;
    this.draw(true);
  }

  tick(units = 1): void {
    this.done += units;
    if ((this.done & 0x3ff) === 0 || units > 1) this.draw(false);
  }

  /** The line as it would be drawn now. */
  line(): string {
    const elapsed = (this.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const eta = rate > 0 ? (this.total - this.done) / rate : NaN;
    return `[${bar}] ${(fraction * 100).toFixed(1).padStart(5)}% ${formatCount(this.done)}/${formatCount(this.total)} events  ${formatCount(rate)}/s  ETA ${formatDuration(eta)}  ${this.label}`;
  }

  private draw(force: boolean): void {
    if (!this.sink) return;
    const t = this.now();
    if (!force && t - this.lastDraw < this.interval) return;
    this.lastDraw = t;
    if (this.sink.isTTY) this.sink.write(`\r\x1b[2K${this.line()}`);
    else this.sink.write(`${this.line()}\n`);
    this.drawn = true;
  }

  finish(): void {
    if (!this.sink) return;
    this.draw(true);
    if (this.sink.isTTY && this.drawn) this.sink.write('\n');
  }
}
