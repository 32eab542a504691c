// Bad rows are counted by reason and reported, never fatal: a dataset with a few broken lines
// still evaluates, and the report says exactly what was skipped and why.

export interface BadRowExample {
  line: number;
  text: string;
}

export interface ParseReportJson {
  format: string;
  linesRead: number;
  eventsEmitted: number;
  badRows: number;
  badByReason: Record<string, number>;
  badExamples: Record<string, BadRowExample[]>;
  rawTypes: Record<string, number>;
  notes: string[];
  stoppedAtLimit: boolean;
}

const EXAMPLES_PER_REASON = 3;
const EXAMPLE_MAX_CHARS = 160;

export class ParseReport {
  linesRead = 0;
  eventsEmitted = 0;
  stoppedAtLimit = false;
  readonly badByReason = new Map<string, number>();
  readonly badExamples = new Map<string, BadRowExample[]>();
  /** How often each raw event type of the source format occurred (pv, addtocart, clicks, ...). */
  readonly rawTypes = new Map<string, number>();
  readonly notes: string[] = [];

  constructor(readonly format: string) {}

  get badRows(): number {
    let n = 0;
    for (const v of this.badByReason.values()) n += v;
    return n;
  }

  bad(reason: string, line: number, text: string): void {
    this.badByReason.set(reason, (this.badByReason.get(reason) ?? 0) + 1);
    let examples = this.badExamples.get(reason);
    if (!examples) {
      examples = [];
      this.badExamples.set(reason, examples);
    }
    if (examples.length < EXAMPLES_PER_REASON) {
      examples.push({ line, text: text.length > EXAMPLE_MAX_CHARS ? `${text.slice(0, EXAMPLE_MAX_CHARS)}…` : text });
    }
  }

  rawType(type: string): void {
    this.rawTypes.set(type, (this.rawTypes.get(type) ?? 0) + 1);
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  toJSON(): ParseReportJson {
    return {
      format: this.format,
      linesRead: this.linesRead,
      eventsEmitted: this.eventsEmitted,
      badRows: this.badRows,
      badByReason: Object.fromEntries(this.badByReason),
      badExamples: Object.fromEntries(this.badExamples),
      rawTypes: Object.fromEntries(this.rawTypes),
      notes: [...this.notes],
      stoppedAtLimit: this.stoppedAtLimit,
    };
  }
}
