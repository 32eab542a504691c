// Training examples from a time-ordered replay: at every prediction the production ranking's
// re-rank candidates and their features (rank.ts rerankCandidates) are kept, labelled with the item
// the shopper clicked next (the event the protocol lets the method learn right after asking).
import { rerankCandidates } from '../../recommend';
import { Ours, type OursOptions } from '../methods/ours';
import type { SessionRecSplit } from '../protocols/sessionrec';
import type { Progress } from '../report/progress';
import type { EvalEvent, SessionContext } from '../types';
import type { Example } from './softmax';

export interface ExampleStats {
  predictions: number;
  /** Predictions whose next item was among the candidates (the only ones a re-rank can win). */
  kept: number;
}

export class ExampleRecorder extends Ours {
  readonly examples: Example[] = [];
  readonly counts: ExampleStats = { predictions: 0, kept: 0 };
  private pending: { ids: string[]; rows: Float32Array } | null = null;

  constructor(options: OursOptions = {}) {
    super(options);
  }

  override recommend(session: SessionContext, k: number): string[] {
    this.pending = rerankCandidates(this.rankInput(session, k));
    this.counts.predictions++;
    return this.pending.ids.slice(0, k);
  }

  /** The re-rank candidates for `session` now and the example they make with `next` (null when it is not among them). */
  exampleFor(session: SessionContext, next: string, k: number): Example | null {
    const { ids, rows } = rerankCandidates(this.rankInput(session, k));
    this.counts.predictions++;
    const positive = ids.indexOf(next);
    if (positive < 0 || ids.length < 2) return null;
    this.counts.kept++;
    return { rows, candidates: ids.length, positive };
  }

  override learn(event: EvalEvent): void {
    const pending = this.pending;
    this.pending = null;
    if (pending) {
      const positive = pending.ids.indexOf(event.itemId);
      if (positive >= 0 && pending.ids.length > 1) {
        this.examples.push({ rows: pending.rows, candidates: pending.ids.length, positive });
        this.counts.kept++;
      }
    }
    super.learn(event);
  }
}

/**
 * Examples as the session-rec protocol asks: the recorder learns the split's train, then every
 * prefix of every test session is a prediction of its next item (the test is not learnt).
 */
export function sessionRecExamples(recorder: ExampleRecorder, split: SessionRecSplit, k: number, progress?: Progress): void {
  for (const e of split.train) {
    recorder.learn(e);
    progress?.tick();
  }
  for (const session of split.test) {
    const first = session[0]!;
    for (let j = 1; j < session.length; j++) {
      const before = session.slice(0, j);
      const ctx = { sessionId: first.sessionId, userId: first.userId, items: before.map((e) => e.itemId), events: before, now: session[j]!.ts };
      const example = recorder.exampleFor(ctx, session[j]!.itemId, k);
      if (example) recorder.examples.push(example);
      progress?.tick();
    }
  }
}
