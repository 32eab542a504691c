// Plain data shared by the learning and ranking functions (no I/O anywhere in src/recommend).
import type { DecayFrame } from './decay';

export type Reason = 'ALSO_VIEWED' | 'BOUGHT_TOGETHER' | 'TRENDING' | 'CATEGORY_AFFINITY' | 'RECENTLY_VIEWED';
export type InteractionType = 'view' | 'add_to_cart' | 'purchase';

/** What scoring needs of an event, whatever its source (Kafka envelope, dataset row). */
export interface ScoringEvent {
  eventId: string;
  userId: string;
  type: InteractionType;
  /** Purchases may hold several products; views and carts one. */
  productIds: string[];
  /** Event time in ms since the epoch. */
  at: number;
}

export interface RecentItem {
  /** product id */
  p: string;
  /** last interaction time (ms) */
  t: number;
}

/** Everything kept per user; small and bounded so it travels as one value. */
export interface UserState {
  /** Most recent first, each product once. */
  recent: RecentItem[];
  cart: string[];
  purchased: string[];
  /** Category -> forward-decayed affinity, in the frame `catsFrame`. */
  cats: Record<string, number>;
  /** The decay frame of `cats` (absent until the first event; states saved before frames existed lack it). */
  catsFrame?: DecayFrame;
  /**
   * Ids of the last events learned (USER_BOUNDS.seen), newest last: a redelivered or retried event
   * is recognised here. A redelivery repeats at most one uncommitted batch and a client retries
   * within seconds, so the last 64 of one shopper's events cover both; the shared statistics are
   * guarded by offset watermarks besides.
   */
  seen: string[];
}

export interface Scored {
  id: string;
  score: number;
}

export interface RankedItem {
  productId: string;
  score: number;
  reason: Reason;
}

/**
 * A change to the shared statistics, applied by the store (sorted-set increments). A forward-decayed
 * increment counts `incr` in its `frame` (decay.ts); the store brings it into the statistic's own frame.
 */
export type StatDelta =
  | { kind: 'trending'; category: string | null; product: string; incr: number; frame: DecayFrame }
  | { kind: 'covis'; from: string; to: string; incr: number; frame: DecayFrame }
  | { kind: 'bought'; from: string; to: string; incr: number; frame: DecayFrame }
  /** The user interacted with the product at `at` (ms): kept as the latest time (a max, not a sum). */
  | { kind: 'session'; product: string; user: string; at: number };

export const USER_BOUNDS = { recent: 30, cart: 100, purchased: 200, seen: 64, categories: 20 } as const;

export function emptyUserState(): UserState {
  return { recent: [], cart: [], purchased: [], cats: {}, seen: [] };
}
