// Per-query item score accumulator: a dense Float64Array plus the list of touched items, reset in
// O(touched) by an epoch stamp instead of clearing the whole array.
import { GrowableFloat64, GrowableInt32 } from '../interner';
import { topK } from '../topk';

export class ItemScores {
  private readonly scoresBuf = new GrowableFloat64();
  private readonly stampBuf = new GrowableInt32();
  private touched: number[] = [];
  private epoch = 0;
  private scores: Float64Array = this.scoresBuf.data;
  private stamp: Int32Array = this.stampBuf.data;

  reset(itemCount: number): void {
    this.scores = this.scoresBuf.ensure(itemCount);
    this.stamp = this.stampBuf.ensure(itemCount);
    this.touched = [];
    if (++this.epoch === 0x7fffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
  }

  add(item: number, value: number): void {
    if (this.stamp[item] !== this.epoch) {
      this.stamp[item] = this.epoch;
      this.scores[item] = value;
      this.touched.push(item);
    } else this.scores[item]! += value;
  }

  get(item: number): number {
    return this.stamp[item] === this.epoch ? this.scores[item]! : 0;
  }

  /** The best k items with a positive score (ties: see topk.ts). */
  top(k: number): number[] {
    return topK(this.touched, this.touched.length, this.scores, k);
  }
}
