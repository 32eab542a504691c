// Training examples from a time-ordered replay: at every prediction the production ranking's
// re-rank candidates and their features (rank.ts rerankCandidates) are kept, labelled with the item
// the shopper clicked next (the event the protocol lets the method learn right after asking).
import { rerankCandidates } from '../../recommend';
import { Ours, type OursOptions } from '../methods/ours';
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

