// Top-k selection over scored integer ids.
//
// Ties: session-rec ranks a pandas Series with `sort_values`, an unstable quicksort, so items with
// equal scores come out in an order that cannot be reproduced. A first-seen-first rule would
// systematically favour items that appeared early in the training data (and measurably lowers
// V-SKNN's HR@20, whose k=100 neighbours leave many tied scores). So ties are broken by a fixed
// pseudo-random permutation of the ids: a multiplicative hash, a bijection on 32-bit ints, hence
// deterministic and never itself tied.

/** The tie-break key of an id: lower key ranks first among equal scores. */
export function tieKey(id: number): number {
  return Math.imul(id, 0x9e3779b1) >>> 0;
}

/** True if `a` ranks before `b`. */
export function ranksBefore(scores: ArrayLike<number>, a: number, b: number): boolean {
  const sa = scores[a]!;
  const sb = scores[b]!;
  return sa > sb || (sa === sb && tieKey(a) < tieKey(b));
}

/**
 * The best `k` of `candidates[0..count)` by `scores[id]` (ties: by `tieKey`), best first.
 * Only ids with a score above `minScore` qualify. O(count log k).
 */
export function topK(candidates: ArrayLike<number>, count: number, scores: ArrayLike<number>, k: number, minScore = 0): number[] {
  if (k <= 0) return [];
  // Min-heap (worst at the root) of at most k ids.
  const heap: number[] = [];
  const worse = (a: number, b: number) => ranksBefore(scores, b, a);
  for (let c = 0; c < count; c++) {
    const id = candidates[c]!;
    if (!(scores[id]! > minScore)) continue;
    if (heap.length < k) {
      heap.push(id);
      let i = heap.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (worse(heap[i]!, heap[p]!)) {
          const t = heap[i]!;
          heap[i] = heap[p]!;
          heap[p] = t;
          i = p;
        } else break;
      }
    } else if (worse(heap[0]!, id)) {
      heap[0] = id;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        const t = heap[i]!;
        heap[i] = heap[m]!;
        heap[m] = t;
        i = m;
      }
    }
  }
  return heap.sort((a, b) => (ranksBefore(scores, a, b) ? -1 : 1));
}

/**
 * The ids of `candidates` with the `k` best scores above `minScore`, in no particular order
 * (ties at the cut: by `tieKey`, as in `topK`). Cheaper than `topK` for large k: it finds the
 * cut with a native typed-array sort and makes no comparisons through closures.
 */
export function selectBest(candidates: ArrayLike<number>, count: number, scores: ArrayLike<number>, k: number, minScore = 0): number[] {
  const eligible: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = candidates[i]!;
    if (scores[id]! > minScore) eligible.push(id);
  }
  if (eligible.length <= k) return eligible;
  const values = new Float64Array(eligible.length);
  for (let i = 0; i < eligible.length; i++) values[i] = scores[eligible[i]!]!;
  values.sort();
  const cut = values[values.length - k]!;
  const out: number[] = [];
  const tied: number[] = [];
  for (const id of eligible) {
    const v = scores[id]!;
    if (v > cut) out.push(id);
    else if (v === cut) tied.push(id);
  }
  tied.sort((a, b) => tieKey(a) - tieKey(b));
  for (let i = 0; out.length < k && i < tied.length; i++) out.push(tied[i]!);
  return out;
}

/**
 * Keeps the top `capacity` ids of a score that only ever grows, exactly, in O(capacity) per
 * update: an id outside the top can only enter when its own score grows. Used by POP and the
 * decayed trending baseline, whose scores only increase between renormalisations.
 */
export class MonotoneTopTracker {
  private readonly top: number[] = [];
  private readonly pos = new Map<number, number>();

  constructor(
    private readonly capacity: number,
    private readonly scores: () => ArrayLike<number>,
  ) {}

  /** Call after `scores[id]` grew. */
  touched(id: number): void {
    const s = this.scores();
    let i = this.pos.get(id);
    if (i === undefined) {
      if (this.top.length < this.capacity) {
        i = this.top.length;
        this.top.push(id);
      } else {
        const last = this.top[this.top.length - 1]!;
        if (!ranksBefore(s, id, last)) return;
        this.pos.delete(last);
        i = this.top.length - 1;
        this.top[i] = id;
      }
      this.pos.set(id, i);
    }
    while (i > 0 && ranksBefore(s, id, this.top[i - 1]!)) {
      const other = this.top[i - 1]!;
      this.top[i] = other;
      this.pos.set(other, i);
      i--;
      this.top[i] = id;
      this.pos.set(id, i);
    }
  }

  /** The best `k` ids (k <= capacity), best first. */
  best(k: number): number[] {
    return this.top.slice(0, k);
  }

  get size(): number {
    return this.top.length;
  }

  get cap(): number {
    return this.capacity;
  }
}
