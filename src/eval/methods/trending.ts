// Decayed trending: like POP, but every event's weight halves every `halfLifeHours` of event
// time, and add-to-carts and purchases weigh more than views. The defaults are the gateway's own
// flag defaults (weights.view 1, weights.addToCart 3, weights.purchase 5, decay.halfLifeHours 24),
// so this is the served "trending" list replayed offline.
//
// All scores decay at the same rate, so instead of decaying them we grow new events' weight:
// score += w * exp((t - t0) / tau), and rescale everything when the exponent gets large. The
// ranking is the same at any "now".
import type { EvalEvent, EvalEventType, SessionContext, SessionRecommender } from '../types';
import { GrowableFloat64, Interner } from './interner';
import { MonotoneTopTracker, topK } from './topk';

export interface TrendingOptions {
  halfLifeHours?: number;
  weights?: Partial<Record<EvalEventType, number>>;
  trackTop?: number;
}

const MAX_EXPONENT = 500;

export class DecayedTrending implements SessionRecommender {
  readonly name: string;
  private readonly items = new Interner();
  private readonly scores = new GrowableFloat64();
  private readonly tracker: MonotoneTopTracker;
  private readonly tauMs: number;
  private readonly weights: Record<EvalEventType, number>;
  private t0: number | null = null;

  constructor({ halfLifeHours = 24, weights = {}, trackTop = 200 }: TrendingOptions = {}) {
    if (!(halfLifeHours > 0)) throw new RangeError(`trending: halfLifeHours must be > 0, got ${halfLifeHours}`);
    this.tauMs = (halfLifeHours * 3_600_000) / Math.LN2;
    this.weights = { view: weights.view ?? 1, cart: weights.cart ?? 3, purchase: weights.purchase ?? 5 };
    this.name = 'TRENDING';
    this.tracker = new MonotoneTopTracker(trackTop, () => this.scores.data);
  }

  learn(event: EvalEvent): void {
    if (this.t0 === null) this.t0 = event.ts;
    let exponent = (event.ts - this.t0) / this.tauMs;
    if (exponent > MAX_EXPONENT) {
      this.rescale(Math.exp(-exponent));
      this.t0 = event.ts;
      exponent = 0;
    }
    const i = this.items.intern(event.itemId);
    this.scores.ensure(i + 1)[i]! += this.weights[event.type] * Math.exp(exponent);
    this.tracker.touched(i);
  }

  recommend(_session: SessionContext, k: number): string[] {
    const ids =
      k <= this.tracker.cap
        ? this.tracker.best(k)
        : topK(
            Array.from({ length: this.items.size }, (_, i) => i),
            this.items.size,
            this.scores.data,
            k,
          );
    return ids.map((i) => this.items.ids[i]!);
  }

  private rescale(factor: number): void {
    const s = this.scores.data;
    for (let i = 0; i < this.items.size; i++) s[i]! *= factor;
  }
}
