// Read-your-writes for the track mutations: waits until the shopper's state has learned the event
// (its id is among the state's recent event ids, the ones scoring dedupes by), then answers the
// shopper's current list, which is recomputed from that state if not yet. It polls the state with a
// growing pause instead of listening for a push: an event that leaves the list as it was pushes nothing.
import type { RecStore, StoredRecs } from '../store/types';
import { backoffDelay, pause } from '../util/backoff';
import type { Recommender } from '../recommender/recommender';

/** Why a refreshed list is missing from an answer. */
export type RefreshMiss = 'TIMEOUT' | 'UNAVAILABLE' | 'NOT_ACCEPTED';

export interface RefreshedOutcome {
  recs: StoredRecs | null;
  missing: RefreshMiss | null;
}

export interface RefreshedListsOptions {
  store: RecStore;
  recommender: Recommender;
  /** The longest wait for the event to be scored (config refreshedTimeoutMs). */
  timeoutMs: number;
  /** Pauses between looks at the state: from initialMs doubling to maxMs (with jitter). */
  poll?: { initialMs: number; maxMs: number };
  /** The store failed while waiting (the answer then says UNAVAILABLE). */
  onError?: (err: unknown) => void;
}

export class RefreshedLists {
  private readonly store: RecStore;
  private readonly recommender: Recommender;
  private readonly timeoutMs: number;
  private readonly poll: { initialMs: number; maxMs: number };
  private readonly onError: (err: unknown) => void;

  constructor({ store, recommender, timeoutMs, poll = { initialMs: 5, maxMs: 100 }, onError = () => {} }: RefreshedListsOptions) {
    this.onError = onError;
    this.store = store;
    this.recommender = recommender;
    this.timeoutMs = timeoutMs;
    this.poll = poll;
  }

  /**
   * The shopper's list once the event (`cause.causedBy`) is scored; after the timeout (or when the
   * store fails) none, with the reason. A list this read recomputes names the event as its cause
   * when it is the newest one the state learned.
   */
  async after(userId: string, cause: Required<Pick<StoredRecs, 'receivedAt' | 'causedBy'>>): Promise<RefreshedOutcome> {
    const { eventId } = cause.causedBy;
    const deadline = performance.now() + this.timeoutMs;
    try {
      for (let attempt = 0; ; attempt += 1) {
        const user = (await this.store.loadUsers([userId])).get(userId);
        if (user?.seen.includes(eventId)) {
          const newest = user.seen[user.seen.length - 1] === eventId;
          const recs = await this.recommender.visible(await this.recommender.current(userId, newest ? cause : undefined));
          // A current list reflects the state whose newest event is this one: this event caused it, even
          // when a concurrent read recomputed and stored it first without naming a cause.
          return { recs: newest && recs && !recs.causedBy ? { ...recs, causedBy: cause.causedBy } : recs, missing: null };
        }
        const left = deadline - performance.now();
        if (left <= 0) return { recs: null, missing: 'TIMEOUT' };
        await pause(Math.min(left, backoffDelay(attempt, this.poll)));
      }
    } catch (err) {
      this.onError(err);
      // The event is accepted either way: the answer says the list is missing rather than failing the mutation.
      return { recs: null, missing: 'UNAVAILABLE' };
    }
  }
}
