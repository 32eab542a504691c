// The scorer's list refreshes read the shared statistics through this view of the store: every
// key (a product's neighbour list, recent users, a category's trending, a user's recent items) is
// read and parsed once per `ttlMs`, however many refreshes need it. Popular products are in most
// users' lists, so this removes most of the refresh phase's Redis traffic and parsing.
// The price is staleness of at most `ttlMs` in what *other* shoppers did: a list refreshed now may
// miss the last fraction of a second of statistics (the shopper's own state is always current, it
// is passed in, not read here). Writes and every other method pass straight through. Callers must
// not mutate what they get (the ranking code does not: the embedded store hands out frozen lists too).
import type { RecentItem, Scored } from '../recommend';
import type { RecStore } from '../store/types';

type Lookup<K, V> = (keys: K[], limit: number) => Promise<Map<K, V>>;

export interface ReadCacheOptions {
  /** How long a read answers later callers (ms). */
  ttlMs: number;
  /** Entries kept at most per kind of read (expired ones and then the oldest go first). */
  maxEntries: number;
  now?: () => number;
}

/**
 * Memoises a many-keys lookup per (limit, key) for `ttlMs`; concurrent callers share one request
 * for the keys none asked yet. A failed read is forgotten at once.
 */
function memoised<K, V>(lookup: Lookup<K, V>, fallback: V | undefined, { ttlMs, maxEntries, now = Date.now }: ReadCacheOptions): Lookup<K, V> {
  const cache = new Map<string, { at: number; value: Promise<V | undefined> }>();
  return async (keys, limit) => {
    const t = now();
    const missing = keys.filter((k) => {
      const entry = cache.get(`${limit}|${k}`);
      return entry === undefined || t - entry.at > ttlMs;
    });
    if (missing.length > 0) {
      const fetched = lookup(missing, limit);
      for (const k of missing) {
        const id = `${limit}|${k}`;
        const value = fetched.then((m) => m.get(k) ?? fallback);
        cache.delete(id); // re-inserted last: Map order is age order
        cache.set(id, { at: t, value });
        value.catch(() => cache.get(id)?.value === value && cache.delete(id));
      }
      // Oldest first: drop what has expired, and beyond the bound whatever is oldest.
      for (const [id, entry] of cache) {
        if (t - entry.at <= ttlMs && cache.size <= maxEntries) break;
        cache.delete(id);
      }
    }
    const values = await Promise.all(keys.map((k) => cache.get(`${limit}|${k}`)!.value));
    const out = new Map<K, V>();
    keys.forEach((k, i) => {
      if (values[i] !== undefined) out.set(k, values[i]!);
    });
    return out;
  };
}

export function createReadCache(store: RecStore, options: ReadCacheOptions): RecStore {
  const alsoViewed = memoised<string, Scored[]>((ids, limit) => store.alsoViewed(ids, limit), [], options);
  const boughtTogether = memoised<string, Scored[]>((ids, limit) => store.boughtTogether(ids, limit), [], options);
  const trending = memoised<string | null, Scored[]>((cats, limit) => store.trending(cats, limit), [], options);
  const recentSessions = memoised<string, Scored[]>((ids, limit) => store.recentSessions(ids, limit), [], options);
  // Users without state are absent from recentItems' answer, and stay absent here.
  const recentItems = memoised<string, RecentItem[]>((ids, limit) => store.recentItems(ids, limit), undefined, options);
  return {
    loadUsers: (ids) => store.loadUsers(ids),
    saveUsers: (users, basis) => store.saveUsers(users, basis),
    listening: (ids) => store.listening(ids),
    applyDeltas: (source, deltas) => store.applyDeltas(source, deltas),
    prune: (budget, nowMs) => store.prune(budget, nowMs),
    unavailableProducts: () => store.unavailableProducts(), // the Recommender keeps its own short cache
    alsoViewed,
    boughtTogether,
    trending,
    recentSessions,
    recentItems,
    readRecs: (u) => store.readRecs(u),
    putRecs: (u, list, basis) => store.putRecs(u, list, basis),
    upsertProducts: (p) => store.upsertProducts(p),
    getProducts: (ids) => store.getProducts(ids),
    clear: () => store.clear(),
  };
}
