// The shared statistics held in this process, synchronously: the embedded store keeps its
// statistics here, and the offline evaluation drives the very same code at full speed.
import type { Scored, StatDelta } from '../recommend';
import type { PositionedDelta } from './types';
import { STAT_BOUNDS } from './statBounds';

type ScoreTable = Map<string, Map<string, number>>;

export class MemoryStats {
  private readonly covis: ScoreTable = new Map();
  private readonly bought: ScoreTable = new Map();
  private readonly trendingTable: ScoreTable = new Map();
  /** group key -> source (topic/partition) -> highest offset applied */
  private readonly watermarks = new Map<string, Map<string, number>>();

  /** Same rule as the Redis script: per key group, offsets at or below the watermark are skipped. */
  applyDeltas(source: string, deltas: readonly PositionedDelta[]): void {
    const raised = new Map<string, number>();
    for (const { offset, delta } of deltas) {
      const group = delta.kind === 'trending' ? 'trending' : `p:${delta.from}`;
      if (offset <= (this.watermarks.get(group)?.get(source) ?? -1)) continue;
      this.add(delta);
      raised.set(group, Math.max(raised.get(group) ?? -1, offset));
    }
    for (const [group, offset] of raised) {
      let marks = this.watermarks.get(group);
      if (!marks) this.watermarks.set(group, (marks = new Map()));
      marks.set(source, Math.max(marks.get(source) ?? -1, offset));
    }
  }

  /** Applies one delta unconditionally (callers that need no redelivery guard). */
  add(delta: StatDelta): void {
    const [table, key, member, bound] =
      delta.kind === 'trending'
        ? [this.trendingTable, delta.category ?? '', delta.product, STAT_BOUNDS.trending]
        : [delta.kind === 'covis' ? this.covis : this.bought, delta.from, delta.to, STAT_BOUNDS.neighbours];
    let row = table.get(key);
    if (!row) table.set(key, (row = new Map()));
    row.set(member, (row.get(member) ?? 0) + delta.incr);
    if (row.size > bound * 1.25) trim(row, bound);
  }

  alsoViewed(productIds: readonly string[], limit: number): Map<string, Scored[]> {
    return new Map(productIds.map((id) => [id, top(this.covis.get(id), limit)]));
  }

  boughtTogether(productIds: readonly string[], limit: number): Map<string, Scored[]> {
    return new Map(productIds.map((id) => [id, top(this.bought.get(id), limit)]));
  }

  trending(categories: readonly (string | null)[], limit: number): Map<string | null, Scored[]> {
    return new Map(categories.map((c) => [c, top(this.trendingTable.get(c ?? ''), limit)]));
  }

  clear(): void {
    for (const m of [this.covis, this.bought, this.trendingTable, this.watermarks]) m.clear();
  }
}

/** Highest first; ties by member, descending (as Redis ZREVRANGE orders them). */
function top(row: Map<string, number> | undefined, limit: number): Scored[] {
  if (!row) return [];
  const out: Scored[] = [];
  for (const [id, score] of row) out.push({ id, score });
  out.sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : -1));
  return out.length > limit ? out.slice(0, limit) : out;
}

function trim(row: Map<string, number>, bound: number): void {
  const keep = top(row, bound);
  row.clear();
  for (const s of keep) row.set(s.id, s.score);
}
