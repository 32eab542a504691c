// POP: the most frequent items overall, the same list for everyone. As session-rec's
// `baselines.pop.Pop` (support = number of events of the item; its score supp/(supp+1) is
// monotone in supp, so ranking by the count is the same ranking).
import type { EvalEvent, SessionContext, SessionRecommender } from '../types';
import { GrowableFloat64, Interner } from './interner';
import { MonotoneTopTracker, topK } from './topk';

export interface PopOptions {
  /** How many of the top items are tracked incrementally; larger k falls back to a full scan. */
  trackTop?: number;
}

export class Pop implements SessionRecommender {
  readonly name = 'POP';
  private readonly items = new Interner();
  private readonly counts = new GrowableFloat64();
  private readonly tracker: MonotoneTopTracker;

  constructor({ trackTop = 200 }: PopOptions = {}) {
    this.tracker = new MonotoneTopTracker(trackTop, () => this.counts.data);
  }

  learn(event: EvalEvent): void {
    const i = this.items.intern(event.itemId);
    this.counts.ensure(i + 1)[i]! += 1;
    this.tracker.touched(i);
  }

  recommend(_session: SessionContext, k: number): string[] {
    const ids = k <= this.tracker.cap ? this.tracker.best(k) : this.fullScan(k);
    return ids.map((i) => this.items.ids[i]!);
  }

  private fullScan(k: number): number[] {
    const all = Array.from({ length: this.items.size }, (_, i) => i);
    return topK(all, all.length, this.counts.data, k);
  }
}
