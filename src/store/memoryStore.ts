// Embedded-mode store: the same semantics as the Redis store, held in this process.
import { EventEmitter } from 'node:events';
import type { Scored, StatDelta, UserState } from '../recommend';
import { listSignature, type PositionedDelta, type Product, type RecStore, type RecsFeed, type StoredRecs } from './types';
import { STAT_BOUNDS } from './statBounds';

type ScoreTable = Map<string, Map<string, number>>;

export class MemoryStore implements RecStore, RecsFeed {
  private landmarkValue: number | null = null;
  private readonly users = new Map<string, UserState>();
  private readonly covis: ScoreTable = new Map();
  private readonly bought: ScoreTable = new Map();
  private readonly trendingTable: ScoreTable = new Map();
  /** group key -> source (topic/partition) -> highest offset applied */
  private readonly watermarks = new Map<string, Map<string, number>>();
  private readonly recs = new Map<string, { recs: StoredRecs; signature: string }>();
  private readonly products = new Map<string, Product>();
  private readonly feed = new EventEmitter().setMaxListeners(0);

  async landmark(candidate: number): Promise<number> {
    this.landmarkValue ??= candidate;
    return this.landmarkValue;
  }

  async loadUsers(userIds: string[]): Promise<Map<string, UserState>> {
    const out = new Map<string, UserState>();
    for (const id of userIds) {
      const user = this.users.get(id);
      if (user) out.set(id, structuredClone(user));
    }
    return out;
  }

  async saveUsers(users: ReadonlyMap<string, UserState>): Promise<void> {
    for (const [id, user] of users) this.users.set(id, structuredClone(user));
  }

  async applyDeltas(source: string, deltas: PositionedDelta[]): Promise<void> {
    const raised = new Map<string, number>();
    for (const { offset, delta } of deltas) {
      const group = groupOf(delta);
      const marks = this.watermarks.get(group);
      if (offset <= (marks?.get(source) ?? -1)) continue;
      const [table, key, member, bound] = this.target(delta);
      let row = table.get(key);
      if (!row) table.set(key, (row = new Map()));
      row.set(member, (row.get(member) ?? 0) + delta.incr);
      if (row.size > bound * 1.25) trim(row, bound);
      raised.set(group, Math.max(raised.get(group) ?? -1, offset));
    }
    for (const [group, offset] of raised) {
      let marks = this.watermarks.get(group);
      if (!marks) this.watermarks.set(group, (marks = new Map()));
      marks.set(source, Math.max(marks.get(source) ?? -1, offset));
    }
  }

  private target(delta: StatDelta): [ScoreTable, string, string, number] {
    if (delta.kind === 'trending') return [this.trendingTable, delta.category ?? '', delta.product, STAT_BOUNDS.trending];
    return [delta.kind === 'covis' ? this.covis : this.bought, delta.from, delta.to, STAT_BOUNDS.neighbours];
  }

  async alsoViewed(productIds: string[], limit: number): Promise<Map<string, Scored[]>> {
    return topOf(this.covis, productIds, limit);
  }

  async boughtTogether(productIds: string[], limit: number): Promise<Map<string, Scored[]>> {
    return topOf(this.bought, productIds, limit);
  }

  async trending(categories: (string | null)[], limit: number): Promise<Map<string | null, Scored[]>> {
    const out = new Map<string | null, Scored[]>();
    for (const c of categories) out.set(c, top(this.trendingTable.get(c ?? ''), limit));
    return out;
  }

  async getRecs(userId: string): Promise<StoredRecs | null> {
    return this.recs.get(userId)?.recs ?? null;
  }

  async putRecs(userId: string, list: Omit<StoredRecs, 'userId' | 'version'>) {
    const signature = listSignature(list.items);
    const current = this.recs.get(userId);
    if (current && current.signature === signature) return { recs: current.recs, changed: false };
    const recs: StoredRecs = { userId, version: (current?.recs.version ?? 0) + 1, ...list };
    this.recs.set(userId, { recs, signature });
    this.feed.emit(userId, recs);
    return { recs, changed: true };
  }

  async subscribe(userId: string, listener: (recs: StoredRecs) => void) {
    this.feed.on(userId, listener);
    return async () => void this.feed.off(userId, listener);
  }

  async upsertProducts(products: Product[]): Promise<number> {
    for (const p of products) this.products.set(p.id, { ...p });
    return products.length;
  }

  async unavailableProducts(): Promise<Set<string>> {
    return new Set([...this.products.values()].filter((p) => !p.inStock).map((p) => p.id));
  }

  async getProducts(ids: readonly string[]): Promise<(Product | null)[]> {
    return ids.map((id) => this.products.get(id) ?? null);
  }

  async clear(): Promise<void> {
    this.landmarkValue = null;
    for (const m of [this.users, this.covis, this.bought, this.trendingTable, this.watermarks, this.recs, this.products]) m.clear();
  }
}

function groupOf(delta: StatDelta): string {
  return delta.kind === 'trending' ? 'trending' : `p:${delta.from}`;
}

function top(row: Map<string, number> | undefined, limit: number): Scored[] {
  if (!row) return [];
  return [...row.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))
    .slice(0, limit)
    .map(([id, score]) => ({ id, score }));
}

function topOf(table: ScoreTable, ids: string[], limit: number): Map<string, Scored[]> {
  return new Map(ids.map((id) => [id, top(table.get(id), limit)]));
}

function trim(row: Map<string, number>, bound: number): void {
  const keep = top(row, bound);
  row.clear();
  for (const s of keep) row.set(s.id, s.score);
}
