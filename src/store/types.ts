// The narrow storage interface the scoring and read paths use. Two adapters implement it:
// Redis (production) and memory (embedded mode); one contract suite tests both.
import type { RankedItem, RecentItem, Scored, StatDelta, UserState } from '../recommend';
import type { Strategy } from '../flags/definitions';

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
  version: number;
  generatedAt: string;
  strategy: Strategy;
  arm: string | null;
  items: RankedItem[];
  /** When the gateway accepted the newest event behind this version (absent for lists not caused by an event). */
  receivedAt?: string;
}

/** A delta with the Kafka position it came from: the store applies each position at most once. */
export interface PositionedDelta {
  offset: number;
  delta: StatDelta;
}

export interface RecStore {
  /** The forward-decay landmark: the first caller's candidate wins, every later caller gets it. */
  landmark(candidate: number): Promise<number>;
  loadUsers(userIds: string[]): Promise<Map<string, UserState>>;
  saveUsers(users: ReadonlyMap<string, UserState>): Promise<void>;
  /**
   * Adds the deltas of one partition's batch. Per group of keys the store remembers the highest
   * offset applied per source (topic/partition), so a batch delivered again (after a crash or rebalance) adds nothing twice.
   */
  applyDeltas(source: string, deltas: PositionedDelta[]): Promise<void>;
  /** Products marked out of stock: left out of every list. */
  unavailableProducts(): Promise<Set<string>>;
  alsoViewed(productIds: string[], limit: number): Promise<Map<string, Scored[]>>;
  boughtTogether(productIds: string[], limit: number): Promise<Map<string, Scored[]>>;
  trending(categories: (string | null)[], limit: number): Promise<Map<string | null, Scored[]>>;
  /** Per product, the `limit` users who touched it most recently: id = user, score = time (ms), newest first. */
  recentSessions(productIds: string[], limit: number): Promise<Map<string, Scored[]>>;
  /** The `limit` most recent items of each user (as saved with their state); users without state are absent. */
  recentItems(userIds: string[], limit: number): Promise<Map<string, RecentItem[]>>;
  getRecs(userId: string): Promise<StoredRecs | null>;
  /**
   * Stores the list as a new version when it differs from the stored one (ids or reasons) and
   * publishes it to the user's feed in the same step. Returns what is stored now.
   */
  putRecs(userId: string, list: Omit<StoredRecs, 'userId' | 'version'>): Promise<{ recs: StoredRecs; changed: boolean }>;
  upsertProducts(products: Product[]): Promise<number>;
  getProducts(ids: readonly string[]): Promise<(Product | null)[]>;
  /** Drops everything under this store's prefix (tests, replays). */
  clear(): Promise<void>;
}

/** Live changes of users' lists, whichever instance computed them. */
export interface RecsFeed {
  subscribe(userId: string, listener: (recs: StoredRecs) => void): Promise<() => Promise<void>>;
  /** Optional observer: a subscriber's push of this list has been written out (metrics). */
  delivered?(recs: StoredRecs): void;
}

/** Ids and reasons: what makes two lists "the same" for a subscriber. */
export function listSignature(items: RankedItem[]): string {
  return items.map((i) => `${i.productId}|${i.reason}`).join('\n');
}
