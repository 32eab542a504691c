// Recomputes the lists of subscribed shoppers off the consumer's path. The scorer hands over a
// shopper once their new state is saved (and their list marked stale), so the batch's offsets can
// be committed and the next fetch start without waiting for ranking. Per shopper the queue keeps
// only the newest state (a burst of events costs one refresh), never runs two refreshes of one
// shopper at once, and runs at most `concurrency` refreshes in all. If the process dies first,
// nothing is lost: the list is still marked stale and is recomputed at its next read.
import type { UserState } from '../recommend';
import type { StoredRecs } from '../store/types';

/** The newest event behind a refresh: when the gateway accepted it (receivedAt) and which it was (causedBy); both travel with the pushed list. */
export type RefreshCause = Pick<StoredRecs, 'receivedAt' | 'causedBy'>;

export interface RefreshQueueOptions {
  refresh(userId: string, user: UserState, cause: RefreshCause): Promise<{ changed: boolean }>;
  concurrency?: number;
  onRefreshed?(result: { changed: boolean }): void;
  onError?(userId: string, err: unknown): void;
}

export interface RefreshQueue {
  schedule(userId: string, user: UserState, cause: RefreshCause): void;
  /** Shoppers waiting or being refreshed. */
  readonly size: number;
  /** Resolves once nothing is waiting or running (shutdown, tests). */
  idle(): Promise<void>;
}

export function createRefreshQueue({ refresh, concurrency = 16, onRefreshed, onError }: RefreshQueueOptions): RefreshQueue {
  const waiting = new Map<string, { user: UserState; cause: RefreshCause }>(); // insertion order = arrival
  const running = new Set<string>();
  let idleWaiters: (() => void)[] = [];

  const pump = () => {
    for (const [userId, job] of waiting) {
      if (running.size >= concurrency) break;
      if (running.has(userId)) continue; // its newer state runs after the current refresh
      waiting.delete(userId);
      running.add(userId);
      refresh(userId, job.user, job.cause)
        .then(
          (result) => onRefreshed?.(result),
          (err) => onError?.(userId, err),
        )
        .finally(() => {
          running.delete(userId);
          pump();
        });
    }
    if (waiting.size === 0 && running.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  return {
    schedule(userId, user, cause) {
      waiting.set(userId, { user, cause }); // the newest state wins; a shopper already waiting keeps their place
      pump();
    },
    get size() {
      return waiting.size + running.size;
    },
    idle() {
      if (waiting.size === 0 && running.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
