// The storage interfaces the scoring and read paths use. Two adapters implement them:
// Redis (production) and memory (embedded mode); one contract suite tests both.
import { newestFrame, type DecayFrame, type RankedItem, type RecentItem, type Scored, type StatDelta, type UserState } from '../recommend';
import type { Strategy } from '../flags/definitions';
import type { EventType } from '../events/envelope';

export interface Product {
  id: string;
  name: string;
  category: string | null;
  price: number | null;
  inStock: boolean;
  imageUrl: string | null;
}

export interface StoredRecs {
  userId: string;
  /** Grows with every change, and across a loss of the store: see nextVersion. */
  version: number;
  generatedAt: string;
  strategy: Strategy;
  arm: string | null;
  items: RankedItem[];
  /** When the gateway accepted the newest event behind this version (absent for lists not caused by an event). */
  receivedAt?: string;
  /** The newest event behind this version (absent for lists not caused by an event: a read, a flag or stock sweep). */
  causedBy?: ListCause;
  /** Stamp of the flags the list was computed under (src/recommender/flagsStamp.ts): another stamp = stale. */
  flags?: string;
}

/** The event that made a list change. */
export interface ListCause {
  eventId: string;
  type: EventType;
}

/** A stored user state that could not be read back: its raw text and why. */
export interface CorruptState {
  userId: string;
  raw: string;
  reason: string;
}

/** A delta with the Kafka position it came from: the store applies each position at most once. */
export interface PositionedDelta {
  offset: number;
  delta: StatDelta;
}

/** The frame every decayed list a batch writes moves to first (null: nothing decayed in it). */
export function batchFrame(deltas: readonly PositionedDelta[]): DecayFrame | null {
  const frames: DecayFrame[] = [];
  for (const { delta } of deltas) if (delta.kind !== 'session') frames.push(delta.frame);
  return newestFrame(frames);
}

// The store is split by what its callers need; an engine implements the parts it serves, and the
// contract suite (tests/contract/store.contract.ts) checks each part.

/** A shopper's own state: scoring loads and saves it, the recommender reads it (and neighbours' recent items). */
export interface ShopperStore {
  /**
   * The users' stored states (absent: a new user). A state that no longer decodes is left out and
   * reported in `corrupt` when the caller passes it (scoring sets it aside), else it throws
   * CorruptStateError.
   */
  loadUsers(userIds: string[], corrupt?: CorruptState[]): Promise<Map<string, UserState>>;
  /**
   * Saves the states and marks each user's stored list stale (`basisOf(state)` is the state's
   * stamp): the list is brought up to date by the next `putRecs` with that basis.
   * With `basis` (per user, the stamp of the state the new one was computed from, '' for none)
   * each user's write is fenced: when the stored state is no longer that one (another member
   * saved since, e.g. the new owner of the partition while this one was paused), that user's
   * state is not written and is listed in `refused`. Each user's check and write is atomic. A
   * user absent from `basis` is written unfenced (a corrupt stored state has no stamp to check).
   */
  saveUsers(users: ReadonlyMap<string, UserState>, basis?: ReadonlyMap<string, string>): Promise<SaveResult>;
  /** The `limit` most recent items of each user (as saved with their state); users without state are absent. */
  recentItems(userIds: string[], limit: number): Promise<Map<string, RecentItem[]>>;
}

/** The statistics every shopper's events add to: scoring writes them, lists and public reads read them. */
export interface StatsStore {
  /**
   * Adds the deltas of one partition's batch. Per group of keys the store remembers the highest
   * offset applied per source (topic/partition), so a batch delivered again (after a crash or rebalance) adds nothing twice.
   */
  applyDeltas(source: string, deltas: PositionedDelta[]): Promise<void>;
  alsoViewed(productIds: string[], limit: number): Promise<Map<string, Scored[]>>;
  boughtTogether(productIds: string[], limit: number): Promise<Map<string, Scored[]>>;
  trending(categories: (string | null)[], limit: number): Promise<Map<string | null, Scored[]>>;
  /** Per product, the `limit` users who touched it most recently: id = user, score = time (ms), newest first. */
  recentSessions(productIds: string[], limit: number): Promise<Map<string, Scored[]>>;
  /**
   * The leader's bounded clean-up (src/coordination/maintenance.ts): removes what expiry leaves
   * behind, at most `budget` keys examined per call, resuming where the last call stopped.
   */
  prune(budget: number, nowMs: number): Promise<PruneResult>;
}

/** Each shopper's stored list; storing a changed one publishes it (RecsFeed is the listening side). */
export interface ListStore {
  /** The stored list and whether a newer user state was saved since it was computed (one round trip). */
  readRecs(userId: string): Promise<{ recs: StoredRecs | null; stale: boolean }>;
  /**
   * Stores the list as a new version when it differs from the stored one (ids or reasons) and
   * publishes it to the user's feed in the same step. Returns what is stored now.
   * With `basis` (the stamp of the state the list was computed from) the write is conditional: a
   * list computed from a state older than the newest saved or listed one is not stored
   * (`superseded`), so a slow reader never overwrites a newer list.
   */
  putRecs(userId: string, list: Omit<StoredRecs, 'userId' | 'version'>, basis?: string): Promise<PutResult>;
}

/** Who is subscribed right now, on any instance. */
export interface PresenceStore {
  /**
   * The users among these that someone is subscribed to right now, on any instance: their lists
   * are recomputed at once; the others' lists stay stale until somebody reads them.
   */
  listening(userIds: string[]): Promise<Set<string>>;
}

/** The products, and which of them are out of stock. */
export interface CatalogStore {
  /** Products marked out of stock: left out of every list. */
  unavailableProducts(): Promise<Set<string>>;
  upsertProducts(products: Product[]): Promise<number>;
  getProducts(ids: readonly string[]): Promise<(Product | null)[]>;
}

/** Everything a production engine serves (the composition root hands out the parts). */
export interface RecStore extends ShopperStore, StatsStore, ListStore, PresenceStore, CatalogStore {}

/** Tests and benches only: not part of what the gateway uses. */
export interface ClearableStore {
  /** Drops everything under this store's prefix (tests, replays). */
  clear(): Promise<void>;
}

export interface PruneResult {
  /** Keys (Redis) or lists (memory) looked at. */
  examined: number;
  /** Entries removed. */
  removed: number;
  /** True when this call reached the end of a full pass. */
  complete: boolean;
}

export interface SaveResult {
  /** Users whose write was refused because their stored state moved on since it was loaded. */
  refused: string[];
}

export interface PutResult {
  /** What is stored now (null: nothing, when a superseded write met no stored list). */
  recs: StoredRecs | null;
  changed: boolean;
  /** The list was computed from an older state than the store's newest: not stored. */
  superseded: boolean;
}

/** The stamp of a user state: the newest event learned into it ('' for a state with none). */
export function basisOf(user: UserState): string {
  return user.seen[user.seen.length - 1] ?? '';
}

/** Live changes of users' lists, whichever instance computed them. */
export interface RecsFeed {
  /**
   * Rejects with UnavailableError when the feed cannot listen (never a silent, deaf subscription).
   * `onResync`: called when changes may have been missed (the feed's connection came back), so the
   * subscriber re-reads the current list.
   */
  subscribe(userId: string, listener: (recs: StoredRecs) => void, onResync?: () => void): Promise<() => Promise<void>>;
  /** Optional observer: a subscriber's push of this list has been written out (metrics). */
  delivered?(recs: StoredRecs): void;
}

/**
 * A list's next version: the clock in ms, or the previous version + 1 when that is higher. Versions
 * grow while the store keeps them, and one written after the store lost them (a Redis FLUSHALL or a
 * restart without persistence) is still higher than any a subscriber saw, as long as the clock has
 * not gone back by more than the outage. (The Redis store does the same in Lua with Redis's clock.)
 */
export function nextVersion(previous: number, nowMs: number): number {
  return Math.max(previous + 1, Math.floor(nowMs));
}

/** Ids and reasons: what makes two lists "the same" for a subscriber. */
export function listSignature(items: RankedItem[]): string {
  return items.map((i) => `${i.productId}|${i.reason}`).join('\n');
}

/**
 * What the stores compare before storing a list: ids, reasons and the flags stamp. A list
 * recomputed under new flags is therefore stored (and pushed) as a new version even when its items
 * did not move, so the stored stamp always names the flags in force and the list is not stale again.
 */
export function storedSignature(list: Pick<StoredRecs, 'items' | 'flags'>): string {
  return list.flags ? `${listSignature(list.items)}\n@${list.flags}` : listSignature(list.items);
}

/** Catalogue writes heard by every gateway (whichever one wrote the catalogue). */
export interface CatalogChanges {
  /** Products just marked out of stock. Returns a function that stops listening. */
  onOutOfStock(listener: (productIds: string[]) => void): () => void;
  /**
   * Products just written (any field, out-of-stock ones included, heard before onOutOfStock's
   * listeners hear them), or 'all' when notices may have been missed (the channel's connection
   * dropped; again once it listens anew). Returns a function that stops listening.
   */
  onProductsChanged(listener: (productIds: string[] | 'all') => void): () => void;
}
