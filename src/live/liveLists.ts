// Brings this process's subscribed lists up to date when something other than the shopper's own
// events changes them: the flags (every gateway watches ZooKeeper, so each sweeps its own
// subscribers) and products going out of stock (every gateway hears the catalogue channel, so each
// re-pushes its own subscribers' lists that show them). Lists nobody is subscribed to are not
// touched: each stored list carries its flags stamp and is recomputed at its next read.
// Refreshes load the shopper's state when they run, so a sweep never stores a list from an older
// state than the scorer's (putRecs is conditional on the state's stamp either way).
import type { RecFlags } from '../flags/definitions';
import { emptyUserState } from '../recommend';
import type { Recommender, RecommenderStore } from '../recommender/recommender';
import type { CatalogChanges } from '../store/types';
import { createReadCache } from '../streams/readCache';
import { createRefreshQueue, type RefreshQueue } from '../streams/refreshQueue';
import { flagsStamp } from '../recommender/flagsStamp';
import type { LocalSubscribers } from './localSubscribers';

export interface LiveListsOptions {
  store: RecommenderStore;
  recommender: Recommender;
  flags: () => RecFlags;
  subscribers: LocalSubscribers;
  catalog: CatalogChanges;
  /** How often the flags in force are compared with the last swept ones (ms). */
  pollMs?: number;
  concurrency?: number;
  onSweep?: (sweep: { cause: 'flags' | 'stock'; lists: number }) => void;
  onError?: (userId: string, err: unknown) => void;
}

export interface LiveLists {
  readonly refreshes: RefreshQueue;
  /** Re-pushes every subscribed list of this process (what a flag change does). */
  sweepAll(): number;
  /** Re-pushes the subscribed lists of this process that show any of these products. */
  sweepHolding(productIds: string[]): Promise<number>;
  stop(): Promise<void>;
}

/** Subscribed lists read at once when looking for a product (one pipelined round trip each). */
const READ_CHUNK = 500;

export function startLiveLists(options: LiveListsOptions): LiveLists {
  const { store, recommender, flags, subscribers, catalog, pollMs = 50, concurrency = 64, onSweep, onError } = options;
  // Sweeps read statistics through a short-lived cache: 1,000 lists share their trending and neighbour reads.
  const reading = recommender.readingThrough(createReadCache(store, { ttlMs: 500, maxEntries: 20_000 }));
  const refreshes = createRefreshQueue({
    refresh: (userId) => reading.refresh(userId),
    concurrency,
    onError,
  });
  const schedule = (userId: string) => refreshes.schedule(userId, emptyUserState(), {});

  const sweepAll = () => {
    const userIds = subscribers.userIds();
    for (const userId of userIds) schedule(userId);
    onSweep?.({ cause: 'flags', lists: userIds.length });
    return userIds.length;
  };

  const sweepHolding = async (productIds: string[]) => {
    // One out-of-stock cache per gateway: `reading` shares the recommender's, so one drop serves both.
    recommender.catalogChanged();
    const gone = new Set(productIds);
    const userIds = subscribers.userIds();
    let found = 0;
    for (let i = 0; i < userIds.length; i += READ_CHUNK) {
      const chunk = userIds.slice(i, i + READ_CHUNK);
      const lists = await Promise.all(
        chunk.map((userId) =>
          store.readRecs(userId).then(
            (r) => r.recs,
            () => null,
          ),
        ),
      );
      chunk.forEach((userId, j) => {
        if (lists[j]?.items.some((item) => gone.has(item.productId))) {
          found += 1;
          schedule(userId);
        }
      });
    }
    onSweep?.({ cause: 'stock', lists: found });
    return found;
  };

  // Flag providers replace their flags object on a change; polling its stamp keeps them unchanged
  // (and a change that restores the swept values costs nothing).
  let swept = flagsStamp(flags());
  const timer = setInterval(() => {
    const stamp = flagsStamp(flags());
    if (stamp === swept) return;
    swept = stamp;
    sweepAll();
  }, pollMs).unref();
  const stopCatalog = catalog.onOutOfStock((ids) => void sweepHolding(ids).catch((err) => onError?.('*', err)));

  return {
    refreshes,
    sweepAll,
    sweepHolding,
    async stop() {
      clearInterval(timer);
      stopCatalog();
      await Promise.race([refreshes.idle(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    },
  };
}
