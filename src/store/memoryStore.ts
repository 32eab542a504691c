// Embedded-mode store: the same semantics as the Redis store, held in this process.
import { EventEmitter } from 'node:events';
import type { RecentItem, Scored, UserState } from '../recommend';
import {
  basisOf,
  nextVersion,
  storedSignature,
  type CatalogChanges,
  type PositionedDelta,
  type Product,
  type PruneResult,
  type PutResult,
  type ClearableStore,
  type RecStore,
  type RecsFeed,
  type SaveResult,
  type StoredRecs,
} from './types';
import { MemoryStats } from './memoryStats';
import { defaultFlags, retentionMs } from '../flags/definitions';

export interface MemoryStoreOptions {
  /** The clock expiry is judged by (ms). */
  now?: () => number;
  /** How long a user's entries, and each statistic, live after their last write (ms). */
  retentionMs?: () => number;
}

export class MemoryStore implements RecStore, ClearableStore, RecsFeed, CatalogChanges {
  private readonly users = new Map<string, UserState>();
  private readonly stats: MemoryStats;
  /** Per user: when all their entries expire (the Redis store's TTLs), moved forward by each write. */
  private readonly deadlines = new Map<string, number>();
  private readonly now: () => number;
  private readonly retentionMs: () => number;
  private readonly recs = new Map<string, { recs: StoredRecs; signature: string }>();
  /** Per user: the stamp of a state saved since the list was computed, and the stamp the list came from. */
  private readonly fresh = new Map<string, { saved?: string; listed?: string }>();
  private readonly products = new Map<string, Product>();
  private readonly feed = new EventEmitter().setMaxListeners(0);
  private readonly catalog = new EventEmitter().setMaxListeners(0);

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.retentionMs = options.retentionMs ?? (() => retentionMs(defaultFlags()));
    this.stats = new MemoryStats({ now: this.now, retentionMs: this.retentionMs });
  }

  /** Drops the user's entries once their deadline passed; every read and write of a user asks first. */
  private expire(id: string): void {
    const deadline = this.deadlines.get(id);
    if (deadline !== undefined && deadline <= this.now()) this.forget(id);
  }

  private forget(id: string): void {
    for (const m of [this.users, this.recs, this.fresh, this.deadlines]) m.delete(id);
  }

  /** Re-inserted, so the map runs from the earliest deadline to the latest (prune stops early). */
  private touch(id: string): void {
    this.deadlines.delete(id);
    this.deadlines.set(id, this.now() + this.retentionMs());
  }

  async loadUsers(userIds: string[]): Promise<Map<string, UserState>> {
    const out = new Map<string, UserState>();
    for (const id of userIds) {
      this.expire(id);
      const user = this.users.get(id);
      if (user) out.set(id, structuredClone(user));
    }
    return out;
  }

  async saveUsers(users: ReadonlyMap<string, UserState>, basis?: ReadonlyMap<string, string>): Promise<SaveResult> {
    const refused: string[] = [];
    for (const [id, user] of users) {
      // Fenced like the Redis store: written only while the stored state is the one it came from.
      this.expire(id);
      const stored = this.users.get(id);
      if (basis?.has(id) && (stored ? basisOf(stored) : '') !== basis.get(id)) {
        refused.push(id);
        continue;
      }
      this.users.set(id, structuredClone(user));
      this.fresh.set(id, { ...this.fresh.get(id), saved: basisOf(user) });
      this.touch(id);
    }
    return { refused };
  }

  async listening(userIds: string[]): Promise<Set<string>> {
    return new Set(userIds.filter((id) => this.feed.listenerCount(id) > 0));
  }

  async applyDeltas(source: string, deltas: PositionedDelta[]): Promise<void> {
    this.stats.applyDeltas(source, deltas);
  }

  async alsoViewed(productIds: string[], limit: number): Promise<Map<string, Scored[]>> {
    return this.stats.alsoViewed(productIds, limit);
  }

  async boughtTogether(productIds: string[], limit: number): Promise<Map<string, Scored[]>> {
    return this.stats.boughtTogether(productIds, limit);
  }

  async trending(categories: (string | null)[], limit: number): Promise<Map<string | null, Scored[]>> {
    return this.stats.trending(categories, limit);
  }

  async recentSessions(productIds: string[], limit: number): Promise<Map<string, Scored[]>> {
    return this.stats.recentSessions(productIds, limit);
  }

  async recentItems(userIds: string[], limit: number): Promise<Map<string, RecentItem[]>> {
    const out = new Map<string, RecentItem[]>();
    for (const id of userIds) {
      this.expire(id);
      const user = this.users.get(id);
      if (user)
        out.set(
          id,
          user.recent.slice(0, limit).map((r) => ({ ...r })),
        );
    }
    return out;
  }

  async readRecs(userId: string): Promise<{ recs: StoredRecs | null; stale: boolean }> {
    this.expire(userId);
    return { recs: this.recs.get(userId)?.recs ?? null, stale: this.fresh.get(userId)?.saved !== undefined };
  }

  async putRecs(userId: string, list: Omit<StoredRecs, 'userId' | 'version'>, basis?: string): Promise<PutResult> {
    this.expire(userId);
    const current = this.recs.get(userId);
    if (basis !== undefined) {
      const fresh = this.fresh.get(userId);
      const expected = fresh?.saved ?? fresh?.listed;
      if (expected !== undefined && expected !== basis) return { recs: current?.recs ?? null, changed: false, superseded: true };
      this.fresh.set(userId, { listed: basis });
    }
    this.touch(userId);
    const signature = storedSignature(list);
    if (current && current.signature === signature) return { recs: current.recs, changed: false, superseded: false };
    const recs: StoredRecs = { userId, version: nextVersion(current?.recs.version ?? 0, this.now()), ...list };
    this.recs.set(userId, { recs, signature });
    this.feed.emit(userId, recs);
    return { recs, changed: true, superseded: false };
  }

  async subscribe(userId: string, listener: (recs: StoredRecs) => void) {
    this.feed.on(userId, listener);
    return async () => void this.feed.off(userId, listener);
  }

  async upsertProducts(products: Product[]): Promise<number> {
    for (const p of products) this.products.set(p.id, { ...p });
    const outOfStock = products.filter((p) => !p.inStock).map((p) => p.id);
    if (products.length > 0)
      this.catalog.emit(
        'changed',
        products.map((p) => p.id),
      );
    if (outOfStock.length > 0) this.catalog.emit('outOfStock', outOfStock);
    return products.length;
  }

  onProductsChanged(listener: (productIds: string[] | 'all') => void): () => void {
    this.catalog.on('changed', listener);
    return () => void this.catalog.off('changed', listener);
  }

  onOutOfStock(listener: (productIds: string[]) => void): () => void {
    this.catalog.on('outOfStock', listener);
    return () => void this.catalog.off('outOfStock', listener);
  }

  async unavailableProducts(): Promise<Set<string>> {
    return new Set([...this.products.values()].filter((p) => !p.inStock).map((p) => p.id));
  }

  async getProducts(ids: readonly string[]): Promise<(Product | null)[]> {
    return ids.map((id) => this.products.get(id) ?? null);
  }

  /** Expired users and statistics go (reads skip them anyway); at most `budget` entries looked at. */
  async prune(budget: number, nowMs: number): Promise<PruneResult> {
    let examined = 0;
    let removed = 0;
    for (const [id, deadline] of this.deadlines) {
      if (examined >= budget) return { examined, removed, complete: false };
      examined++;
      if (deadline > nowMs) break; // the rest were written later
      this.forget(id);
      removed++;
    }
    const stats = this.stats.prune(budget - examined, nowMs);
    return { examined: examined + stats.examined, removed: removed + stats.removed, complete: stats.complete };
  }

  async clear(): Promise<void> {
    this.stats.clear();
    for (const m of [this.users, this.recs, this.fresh, this.products, this.deadlines]) m.clear();
  }
}
