// The shared statistics held in this process, synchronously: the embedded store keeps its
// statistics here, and the offline evaluation drives the very same code at full speed.
import { inFrame, rebase, type DecayFrame, type Scored, type StatDelta } from '../recommend';
import { batchFrame, type PositionedDelta } from './types';
import { STAT_BOUNDS } from './statBounds';

/** When statistics expire: each list `retentionMs()` after its last write (as the Redis store's TTLs). */
export interface StatExpiry {
  now(): number;
  retentionMs(): number;
}

export class MemoryStats {
  private readonly covis = new Map<string, Row>();
  private readonly bought = new Map<string, Row>();
  private readonly trendingTable = new Map<string, Row>();
  /** product -> user -> latest time (ms) the user interacted with it */
  private readonly sessionTable = new Map<string, Row>();
  /** group key -> source (topic/partition) -> highest offset applied */
  private readonly watermarks = new Map<string, Map<string, number>>();
  /** group key -> when its watermarks expire (only with an expiry) */
  private readonly watermarkDeadlines = new Map<string, number>();

  /** Without `expiry` nothing expires (the offline evaluation). */
  constructor(private readonly expiry: StatExpiry | null = null) {}

  private deadline(): number {
    return this.expiry ? this.expiry.now() + this.expiry.retentionMs() : Infinity;
  }

  /** The row, unless it expired (then it is dropped). */
  private live(table: Map<string, Row>, key: string): Row | undefined {
    const row = table.get(key);
    if (row && this.expiry && row.deadline <= this.expiry.now()) {
      table.delete(key);
      return undefined;
    }
    return row;
  }

  private marksOf(group: string): Map<string, number> | undefined {
    if (this.expiry && (this.watermarkDeadlines.get(group) ?? Infinity) <= this.expiry.now()) {
      this.watermarks.delete(group);
      this.watermarkDeadlines.delete(group);
    }
    return this.watermarks.get(group);
  }

  /**
   * Same rules as the Redis script: per key group, offsets at or below the watermark are skipped;
   * every decayed list the batch writes first moves to the batch's newest frame.
   */
  applyDeltas(source: string, deltas: readonly PositionedDelta[]): void {
    const raised = new Map<string, number>();
    const batch = batchFrame(deltas);
    for (const { offset, delta } of deltas) {
      const group = groupOf(delta);
      if (offset <= (this.marksOf(group)?.get(source) ?? -1)) continue;
      this.add(delta, batch);
      raised.set(group, Math.max(raised.get(group) ?? -1, offset));
    }
    for (const [group, offset] of raised) {
      let marks = this.watermarks.get(group);
      if (!marks) this.watermarks.set(group, (marks = new Map<string, number>()));
      marks.set(source, Math.max(marks.get(source) ?? -1, offset));
      if (this.expiry) this.watermarkDeadlines.set(group, this.deadline());
    }
  }

  /**
   * Applies one delta unconditionally (callers that need no redelivery guard), as a batch of its
   * own unless `batch` names the frame of the batch it belongs to.
   */
  add(delta: StatDelta, batch?: DecayFrame | null): void {
    const row = this.rowFor(delta);
    if (delta.kind === 'session') row.max(delta.user, delta.at);
    else row.addDecayed(delta.kind === 'trending' ? delta.product : delta.to, delta.incr, delta.frame, batch ?? delta.frame);
    row.deadline = this.deadline();
  }

  private rowFor(delta: StatDelta): Row {
    switch (delta.kind) {
      case 'trending':
        return this.rowOf(this.trendingTable, delta.category ?? '', STAT_BOUNDS.trending);
      case 'covis':
        return this.rowOf(this.covis, delta.from, STAT_BOUNDS.neighbours);
      case 'bought':
        return this.rowOf(this.bought, delta.from, STAT_BOUNDS.neighbours);
      case 'session':
        return this.rowOf(this.sessionTable, delta.product, STAT_BOUNDS.sessions);
    }
  }

  private rowOf(table: Map<string, Row>, key: string, bound: number): Row {
    let row = this.live(table, key);
    if (!row) table.set(key, (row = new Row(bound)));
    return row;
  }

  /**
   * Drops expired lists and watermarks, and recent-user entries older than the retention, looking
   * at `budget` lists at most (the embedded leader's maintenance; reads skip expired lists anyway).
   */
  prune(budget: number, nowMs: number): { examined: number; removed: number; complete: boolean } {
    let examined = 0;
    let removed = 0;
    if (!this.expiry) return { examined, removed, complete: true };
    const before = nowMs - this.expiry.retentionMs();
    for (const table of [this.covis, this.bought, this.trendingTable, this.sessionTable]) {
      for (const [key, row] of table) {
        if (examined >= budget) return { examined, removed, complete: false };
        examined++;
        if (row.deadline <= nowMs) {
          removed += row.size;
          table.delete(key);
        } else if (table === this.sessionTable) removed += row.removeBelow(before);
      }
    }
    for (const [group, deadline] of this.watermarkDeadlines) {
      if (deadline <= nowMs) {
        this.watermarks.delete(group);
        this.watermarkDeadlines.delete(group);
      }
    }
    return { examined, removed, complete: true };
  }

  alsoViewed(productIds: readonly string[], limit: number): Map<string, Scored[]> {
    return new Map(productIds.map((id) => [id, this.live(this.covis, id)?.top(limit) ?? []]));
  }

  boughtTogether(productIds: readonly string[], limit: number): Map<string, Scored[]> {
    return new Map(productIds.map((id) => [id, this.live(this.bought, id)?.top(limit) ?? []]));
  }

  trending(categories: readonly (string | null)[], limit: number): Map<string | null, Scored[]> {
    return new Map(categories.map((c) => [c, this.live(this.trendingTable, c ?? '')?.top(limit) ?? []]));
  }

  /** Per product, the users who interacted with it most recently: id = user, score = time (ms). */
  recentSessions(productIds: readonly string[], limit: number): Map<string, Scored[]> {
    return new Map(productIds.map((id) => [id, this.live(this.sessionTable, id)?.top(limit) ?? []]));
  }

  clear(): void {
    for (const m of [this.covis, this.bought, this.trendingTable, this.sessionTable, this.watermarks, this.watermarkDeadlines]) m.clear();
  }
}

function groupOf(delta: StatDelta): string {
  if (delta.kind === 'trending') return 'trending';
  return `p:${delta.kind === 'session' ? delta.product : delta.from}`;
}

/** Highest first; ties by member, descending (as Redis ZREVRANGE orders them). */
function before(a: Scored, b: Scored): boolean {
  return a.score > b.score || (a.score === b.score && a.id > b.id);
}

/**
 * One sorted set: scores by member, trimmed to `bound` (the lowest fall off), plus a cached
 * ordering of its best `cap` members. Between rescales of its decay frame (which drop the cache)
 * scores only grow (increments are positive, `max` never lowers), so a member outside the cache can
 * only enter it through its own update, and the cache stays exact without re-sorting the row: a
 * lookup costs O(limit), an update O(cap).
 */
class Row {
  private readonly scores = new Map<string, number>();
  /** When the list expires (ms; the owner sets it at each write). */
  deadline = Infinity;
  /** The decay frame of the scores (decayed lists only; null until the first write). */
  private frame: DecayFrame | null = null;
  /** The best min(cap, size) members, best first; null when it must be rebuilt. */
  private cache: Scored[] | null = null;
  private cap = 0;
  /** The last list handed out (frozen, shared by callers) while the cache stays unchanged. */
  private view: readonly Scored[] | null = null;

  constructor(private readonly bound: number) {}

  get size(): number {
    return this.scores.size;
  }

  /** Removes the members scored below `min`; returns how many. */
  removeBelow(min: number): number {
    let removed = 0;
    for (const [member, score] of this.scores) {
      if (score < min) {
        this.scores.delete(member);
        removed++;
      }
    }
    if (removed > 0) this.cache = this.view = null;
    return removed;
  }

  /** Adds `value` (in frame `written`) after moving the list to the batch's frame `batch` (decay.ts). */
  addDecayed(member: string, value: number, written: DecayFrame, batch: DecayFrame): void {
    const frame = this.frame;
    if (frame === null) this.frame = batch;
    else if (frame.epoch !== batch.epoch || frame.halfLifeHours !== batch.halfLifeHours) {
      const moved = rebase(frame, batch);
      if (moved.factor !== 1) this.scale(moved.factor);
      this.frame = moved.frame;
    }
    this.incr(member, inFrame(value, written, this.frame!));
  }

  /** Multiplies every score by `factor` (> 0: the order stays); a score that underflows to zero is dropped. */
  private scale(factor: number): void {
    for (const [member, score] of this.scores) {
      const next = score * factor;
      if (next === 0 && score !== 0) this.scores.delete(member);
      else this.scores.set(member, next);
    }
    this.cache = this.view = null;
  }

  incr(member: string, by: number): void {
    const old = this.scores.get(member);
    this.set(member, old, (old ?? 0) + by);
  }

  max(member: string, value: number): void {
    const old = this.scores.get(member);
    if (old === undefined || value > old) this.set(member, old, value);
  }

  private set(member: string, old: number | undefined, score: number): void {
    this.scores.set(member, score);
    if (this.cache) {
      if (old !== undefined && score < old) this.cache = this.view = null;
      else if (this.touchCache(member, score)) this.view = null;
    }
    if (this.scores.size > this.bound * 1.25) this.trim();
  }

  /** Returns whether the cached ordering changed. */
  private touchCache(member: string, score: number): boolean {
    const cache = this.cache!;
    // A full cache whose last entry still comes first cannot hold this member (its old score
    // was lower still) nor take it in: the common case, answered without a scan.
    const last = cache[cache.length - 1];
    if (cache.length >= this.cap && last && !before({ id: member, score }, last)) return false;
    let i = cache.findIndex((s) => s.id === member);
    if (i < 0) {
      if (cache.length < this.cap && cache.length === this.scores.size - 1) i = cache.push({ id: member, score }) - 1;
      else if (cache.length > 0 && before({ id: member, score }, cache[cache.length - 1]!)) {
        i = cache.length - 1;
        cache[i] = { id: member, score };
      } else return false;
    } else cache[i] = { id: member, score };
    while (i > 0 && before(cache[i]!, cache[i - 1]!)) {
      [cache[i - 1], cache[i]] = [cache[i]!, cache[i - 1]!];
      i--;
    }
    return true;
  }

  /** The best `limit` entries; the array is frozen and may be handed out again while nothing changes. */
  top(limit: number): Scored[] {
    if (!this.cache || limit > this.cap) this.rebuild(Math.max(limit, this.cap));
    if (this.view && this.view.length === Math.min(limit, this.cache!.length)) return this.view as Scored[];
    const view = Object.freeze(this.cache!.slice(0, limit));
    this.view = view;
    return view as Scored[];
  }

  private sorted(): Scored[] {
    const out: Scored[] = [];
    for (const [id, score] of this.scores) out.push({ id, score });
    return out.sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : -1));
  }

  private rebuild(cap: number): void {
    this.cap = cap;
    this.view = null;
    this.cache = this.sorted().slice(0, cap);
  }

  private trim(): void {
    const keep = this.sorted().slice(0, this.bound);
    this.scores.clear();
    for (const s of keep) this.scores.set(s.id, s.score);
    if (this.cache && this.cap > this.bound) this.cache = this.view = null;
  }
}
