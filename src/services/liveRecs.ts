// A subscriber's stream: the current list first, then every newer version. Each message is a
// whole list, so a slow client only ever needs the newest one (older pending ones are dropped).
import type { Recommender } from './recommender';
import type { RecsFeed, StoredRecs } from '../store/types';

export async function liveRecommendations(
  feed: RecsFeed,
  recommender: Recommender,
  userId: string,
): Promise<AsyncIterableIterator<StoredRecs>> {
  let pending: StoredRecs | null = null;
  let waiting: ((r: IteratorResult<StoredRecs>) => void) | null = null;
  let lastVersion = 0;
  let closed = false;
  // The change handed out last: graphql-ws asks for the next value only after it has sent that
  // one, so the next call to next() is the moment the push left (reported to feed.delivered).
  let handedOut: StoredRecs | null = null;

  const offer = (recs: StoredRecs) => {
    if (closed || recs.version <= lastVersion) return;
    if (waiting) {
      lastVersion = recs.version;
      handedOut = recs;
      const resolve = waiting;
      waiting = null;
      resolve({ value: recs, done: false });
    } else if (!pending || recs.version > pending.version) {
      pending = recs;
    }
  };
  // Listen before reading the current list, so nothing published in between is missed.
  // After the feed's connection came back, pushes may have been missed: offer the current list
  // (after a Redis loss it is recomputed with a higher version; see nextVersion).
  const resync = () => void recommender.current(userId).then(offer, () => undefined);
  const unsubscribe = await feed.subscribe(userId, offer, resync);
  let current: StoredRecs;
  try {
    current = await recommender.current(userId);
  } catch (err) {
    await unsubscribe();
    throw err;
  }
  let first: StoredRecs | null = current;

  const close = async (): Promise<IteratorResult<StoredRecs>> => {
    if (!closed) {
      closed = true;
      waiting?.({ value: undefined, done: true });
      waiting = null;
      await unsubscribe();
    }
    return { value: undefined, done: true };
  };

  const iterator: AsyncIterableIterator<StoredRecs> = {
    [Symbol.asyncIterator]: () => iterator,
    async next(): Promise<IteratorResult<StoredRecs>> {
      if (handedOut) {
        feed.delivered?.(handedOut);
        handedOut = null;
      }
      if (closed) return { value: undefined, done: true };
      if (first) {
        const value = pending && pending.version > first.version ? pending : first;
        first = null;
        pending = null;
        lastVersion = value.version;
        return { value, done: false };
      }
      if (pending) {
        const value: StoredRecs = pending;
        pending = null;
        if (value.version > lastVersion) {
          lastVersion = value.version;
          handedOut = value;
          return { value, done: false };
        }
      }
      return new Promise((resolve) => (waiting = resolve));
    },
    return: close,
    async throw(err?: unknown) {
      await close();
      throw err;
    },
  };
  return iterator;
}
