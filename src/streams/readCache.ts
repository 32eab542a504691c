// The scorer's list refreshes read the shared statistics through this view of the store: every
// key (a product's neighbour list, recent users, a category's trending, a user's recent items) is
// read and parsed once per `ttlMs`, however many refreshes need it. Popular products are in most
// users' lists, so this removes most of the refresh phase's Redis traffic and parsing. The keys
// missed in one tick (every refresh the queue starts together, and every one that resumes when
// their shared read answers) go to the store together: one pipeline, one socket write, for all of
// them, as Hasura multiplexes similar live queries into one database read. (A socket write on
// loopback cost this process ~140 µs of CPU under the bench's load: per refresh, it was the largest part.)
// The price is staleness of at most `ttlMs` in what *other* shoppers did: a list refreshed now may
// miss the last fraction of a second of statistics (the shopper's own state is always current, it
// is passed in, not read here). Writes and every other method pass straight through. Callers must
// not mutate what they get (the ranking code does not: the embedded store hands out frozen lists too).
import type { RecentItem, Scored } from '../recommend';
import type { RecommenderStore } from '../recommender/recommender';

type Lookup<K, V> = (keys: K[], limit: number) => Promise<Map<K, V>>;

export interface ReadCacheOptions {
  /** How long a read answers later callers (ms). */
  ttlMs: number;
  /** Entries kept at most per kind of read and limit (expired ones and then the oldest go first). */
  maxEntries: number;
  now?: () => number;
}

interface Entry<V> {
  at: number;
  /** Settled: `value` is the answer (undefined: the store had none). Otherwise `pending` is. */
  settled: boolean;
  value: V | undefined;
  pending: Promise<V | undefined>;
  settle(value: V | undefined): void;
  fail(err: unknown): void;
}

function newEntry<V>(at: number): Entry<V> {
  let settle!: (value: V | undefined) => void;
  let fail!: (err: unknown) => void;
  const pending = new Promise<V | undefined>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  pending.catch(() => {}); // the callers waiting on it see the failure; nobody else must
  const entry: Entry<V> = {
    at,
    settled: false,
    value: undefined,
    pending,
    settle(value) {
      entry.value = value;
      entry.settled = true;
      settle(value);
    },
    fail,
  };
  return entry;
}

/**
 * Memoises a many-keys lookup per (limit, key) for `ttlMs`. The keys missed during one tick are
 * looked up together once the tick's synchronous work and promise jobs are done (DataLoader's
 * schedule); concurrent callers share that one request. A failed read is forgotten at once. A
 * settled read is kept as its value, not as a promise: a refresh whose keys are all warm (the
 * common case: 100 neighbours' items, a dozen neighbour lists) gets its answer without a promise
 * per key.
 */
function memoised<K, V>(lookup: Lookup<K, V>, fallback: V | undefined, { ttlMs, maxEntries, now = Date.now }: ReadCacheOptions): Lookup<K, V> {
  // One map per limit (a handful: each caller reads with its own constant limit), insertion order = age.
  const byLimit = new Map<number, Map<K, Entry<V>>>();
  // This tick's misses, per limit.
  const queued = new Map<number, Map<K, Entry<V>>>();
  const flush = () => {
    for (const [limit, batch] of queued) {
      queued.delete(limit);
      const cache = byLimit.get(limit)!;
      let fetched: Promise<Map<K, V>>;
      try {
        fetched = lookup([...batch.keys()], limit);
      } catch (err) {
        fetched = Promise.reject(err);
      }
      fetched.then(
        (found) => batch.forEach((entry, k) => entry.settle(found.get(k) ?? fallback)),
        (err: unknown) =>
          batch.forEach((entry, k) => {
            if (cache.get(k) === entry) cache.delete(k);
            entry.fail(err);
          }),
      );
    }
  };
  return async (keys, limit) => {
    const t = now();
    let cache = byLimit.get(limit);
    if (cache === undefined) byLimit.set(limit, (cache = new Map<K, Entry<V>>()));
    // This call's entries, in the order of `keys` (held here: the bound may evict one meanwhile).
    const entries: Entry<V>[] = [];
    let waiting = false;
    let added = false;
    for (const k of keys) {
      let entry = cache.get(k);
      if (entry === undefined || t - entry.at > ttlMs) {
        entry = newEntry<V>(t);
        cache.delete(k); // re-inserted last: Map order is age order
        cache.set(k, entry);
        let batch = queued.get(limit);
        if (batch === undefined) {
          if (queued.size === 0) process.nextTick(flush);
          queued.set(limit, (batch = new Map<K, Entry<V>>()));
        }
        batch.set(k, entry);
        added = true;
      }
      if (!entry.settled) waiting = true;
      entries.push(entry);
    }
    if (added) {
      // Oldest first: drop what has expired, and beyond the bound whatever is oldest.
      for (const [k, entry] of cache) {
        if (t - entry.at <= ttlMs && cache.size <= maxEntries) break;
        cache.delete(k);
      }
    }
    if (waiting) await Promise.all(entries.map((e) => e.pending));
    const out = new Map<K, V>();
    keys.forEach((k, i) => {
      const value = entries[i]!.value;
      if (value !== undefined) out.set(k, value);
    });
    return out;
  };
}

export function createReadCache(store: RecommenderStore, options: ReadCacheOptions): RecommenderStore {
  const alsoViewed = memoised<string, Scored[]>((ids, limit) => store.alsoViewed(ids, limit), [], options);
  const boughtTogether = memoised<string, Scored[]>((ids, limit) => store.boughtTogether(ids, limit), [], options);
  const trending = memoised<string | null, Scored[]>((cats, limit) => store.trending(cats, limit), [], options);
  const recentSessions = memoised<string, Scored[]>((ids, limit) => store.recentSessions(ids, limit), [], options);
  // Users without state are absent from recentItems' answer, and stay absent here.
  const recentItems = memoised<string, RecentItem[]>((ids, limit) => store.recentItems(ids, limit), undefined, options);
  return {
    loadUsers: (ids) => store.loadUsers(ids),
    saveUsers: (users, basis) => store.saveUsers(users, basis),
    applyDeltas: (source, deltas) => store.applyDeltas(source, deltas),
    unavailableProducts: () => store.unavailableProducts(), // the Recommender keeps its own short cache
    alsoViewed,
    boughtTogether,
    trending,
    recentSessions,
    recentItems,
    readRecs: (u) => store.readRecs(u),
    putRecs: (u, list, basis) => store.putRecs(u, list, basis),
  };
}
