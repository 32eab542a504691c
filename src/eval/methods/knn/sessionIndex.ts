// The neighbourhood index shared by SKNN, V-SKNN, STAN and VSTAN, as in session-rec's knn
// classes: the items of every known session (in order, repeats kept, and as a set), each
// session's last event time, and for every item the sessions that contain it. It learns one event
// at a time, so the same index serves batch fitting and the stream replay.
//
// A query gathers the sessions sharing at least one item with the current session (session-rec's
// `relevant_sessions`: the union of `sessions_for_item` over the session's items), counts the
// shared items and sums their weights in one pass over the postings, and keeps the
// `sample_size` most recent of them (`sampling='recent'`).
import type { EvalEvent } from '../../types';
import { GrowableFloat64, GrowableInt32, Interner } from '../interner';

export class SessionIndex {
  readonly items = new Interner();
  readonly sessions = new Interner();
  /** Item indices of each session in event order, repeats kept. */
  readonly seq: number[][] = [];
  /** Distinct item indices of each session, in order of first occurrence. */
  readonly distinct: number[][] = [];
  /** Time (ms) of each session's latest event. */
  readonly time: number[] = [];
  /** For each item, the sessions containing it (each once). */
  readonly postings: number[][] = [];
  /** Number of events per item (session-rec's idf uses event counts, not session counts). */
  readonly itemEvents: number[] = [];

  /** Events learnt so far; idf values cached under an older count are stale. */
  private learnt = 0;
  private readonly idfValue = new GrowableFloat64();
  private readonly idfAt = new GrowableInt32();

  // Per-query scratch, indexed by session.
  private readonly stamp = new GrowableInt32();
  readonly overlap = new GrowableInt32();
  readonly weightSum = new GrowableFloat64();
  private epoch = 0;
  private candidates = new Int32Array(1024);

  learn(event: EvalEvent): void {
    const item = this.items.intern(event.itemId);
    const s = this.sessions.intern(event.sessionId);
    if (s === this.seq.length) {
      this.seq.push([]);
      this.distinct.push([]);
      this.time.push(event.ts);
    }
    this.seq[s]!.push(item);
    const d = this.distinct[s]!;
    if (!d.includes(item)) {
      d.push(item);
      let p = this.postings[item];
      if (p === undefined) {
        p = [];
        this.postings[item] = p;
      }
      p.push(s);
    }
    // session-rec caches the time of the session's last row; in time order that is the latest.
    this.time[s] = Math.max(this.time[s]!, event.ts);
    this.itemEvents[item] = (this.itemEvents[item] ?? 0) + 1;
    this.learnt++;
  }

  /** log(#sessions / #events of the item), as session-rec's knn idf; 0 for unknown items. */
  idf(item: number): number {
    const at = this.idfAt.ensure(this.items.size);
    const values = this.idfValue.ensure(this.items.size);
    // Stamp learnt+1 so that a zeroed stamp never looks valid.
    if (at[item] !== this.learnt + 1) {
      const n = this.itemEvents[item];
      values[item] = n ? Math.log(this.sessions.size / n) : 0;
      at[item] = this.learnt + 1;
    }
    return values[item]!;
  }

  /**
   * Gathers the sessions sharing an item with `contextDistinct` (except `exclude`), filling
   * `overlap[s]` (shared distinct items) and `weightSum[s]` (sum of `weights[item]` over them).
   * Returns the candidates (a view valid until the next call).
   */
  gather(contextDistinct: readonly number[], weights: ArrayLike<number> | null, exclude: number): Int32Array {
    const n = this.sessions.size;
    const stamp = this.stamp.ensure(n);
    const overlap = this.overlap.ensure(n);
    const wsum = this.weightSum.ensure(n);
    if (++this.epoch === 0x7fffffff) {
      stamp.fill(0);
      this.epoch = 1;
    }
    const epoch = this.epoch;
    let count = 0;
    for (const item of contextDistinct) {
      const p = this.postings[item];
      if (p === undefined) continue;
      const w = weights === null ? 1 : weights[item]!;
      for (let j = 0; j < p.length; j++) {
        const s = p[j]!;
        if (s === exclude) continue;
        if (stamp[s] !== epoch) {
          stamp[s] = epoch;
          overlap[s] = 0;
          wsum[s] = 0;
          if (count === this.candidates.length) {
            const next = new Int32Array(count * 2);
            next.set(this.candidates);
            this.candidates = next;
          }
          this.candidates[count++] = s;
        }
        overlap[s]! += 1;
        wsum[s]! += w;
      }
    }
    return this.candidates.subarray(0, count);
  }

  /**
   * The `sampleSize` most recent of `candidates` (by last event time; equal times: the session
   * seen first wins, standing in for Python's set order). All of them if there are not more.
   * `sampleSize` 0 means no sampling, as in session-rec.
   */
  mostRecent(candidates: Int32Array, sampleSize: number): Int32Array {
    if (sampleSize <= 0 || candidates.length <= sampleSize) return candidates;
    const times = new Float64Array(candidates.length);
    for (let i = 0; i < candidates.length; i++) times[i] = this.time[candidates[i]!]!;
    times.sort();
    const threshold = times[times.length - sampleSize]!;
    let above = 0;
    for (let i = times.length - sampleSize; i < times.length; i++) if (times[i]! > threshold) above++;
    let ties = sampleSize - above;
    const tied: number[] = [];
    const out = new Int32Array(sampleSize);
    let k = 0;
    for (let i = 0; i < candidates.length; i++) {
      const s = candidates[i]!;
      const t = this.time[s]!;
      if (t > threshold) out[k++] = s;
      else if (t === threshold) tied.push(s);
    }
    tied.sort((a, b) => a - b);
    for (let i = 0; i < tied.length && ties > 0; i++, ties--) out[k++] = tied[i]!;
    return out;
  }

  /** Item indices of known items in `ids` (unknown ones dropped), in order, repeats kept. */
  known(ids: readonly string[]): number[] {
    const out: number[] = [];
    for (const id of ids) {
      const i = this.items.get(id);
      if (i >= 0) out.push(i);
    }
    return out;
  }
}

/** Distinct values of `seq` in order of first occurrence. */
export function distinctOf(seq: readonly number[]): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const v of seq) {
    if (!seen.has(v)) {
      seen.add(v);
      out.push(v);
    }
  }
  return out;
}
