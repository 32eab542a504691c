// The evaluation's line on the shared progress bar (src/util/progress.ts): events done of the
// total, rate, ETA and the current method.
import { bar, formatCount, formatDuration, ProgressLine, type ProgressSink } from '../../util/progress';

export class Progress {
  private done = 0;
  private label = '';
  private readonly started: number;
  private readonly drawing: ProgressLine;

  constructor(
    private readonly total: number,
    sink: ProgressSink | null,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    this.drawing = new ProgressLine(sink, now);
  }

  setLabel(label: string): void {
    this.label = label;
    this.drawing.update(this.fraction(), () => this.line(), true);
  }

  tick(units = 1): void {
    this.done += units;
    if ((this.done & 0x3ff) === 0 || units > 1) this.drawing.update(this.fraction(), () => this.line());
  }

  private fraction(): number {
    return this.total > 0 ? Math.min(1, this.done / this.total) : 0;
  }

  /** The line as it would be drawn now. */
  line(): string {
    const elapsed = (this.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const eta = rate > 0 ? (this.total - this.done) / rate : NaN;
    return `${bar(this.fraction(), 24)} ${(this.fraction() * 100).toFixed(1).padStart(5)}% ${formatCount(this.done)}/${formatCount(this.total)} events  ${formatCount(rate)}/s  ETA ${formatDuration(eta)}  ${this.label}`;
  }

  finish(): void {
    this.drawing.finish(this.line());
  }
}
