// One batch's list refreshes read through this view of the store: every key (a product's
// neighbour list, recent users, a category's trending, a user's recent items) is read once per
// batch, however many of the batch's users need it, and parsed once. Popular products are in
// most users' lists, so this removes most of the refresh phase's Redis traffic and parsing.
// Reads start after the batch's writes (deltas, user states) and nothing they read changes
// during the refresh phase, so the lists are the ones the uncached reads would give. Writes and
// every other method pass straight through. Callers must not mutate what they get (the ranking
// code does not: the embedded store hands out frozen lists too).
import type { RecentItem, Scored } from '../recommend';
import type { RecStore } from '../store/types';

type Lookup<K, V> = (keys: K[], limit: number) => Promise<Map<K, V>>;

/** Memoises a many-keys lookup per (limit, key); concurrent callers share one request for the keys none asked yet. */
function memoised<K, V>(lookup: Lookup<K, V>, fallback: V | undefined): Lookup<K, V> {
  const cache = new Map<string, Promise<V | undefined>>();
  return async (keys, limit) => {
    const missing = keys.filter((k) => !cache.has(`${limit}|${k}`));
    if (missing.length > 0) {
      const fetched = lookup(missing, limit);
      for (const k of missing) cache.set(`${limit}|${k}`, fetched.then((m) => m.get(k) ?? fallback));
    }
    const values = await Promise.all(keys.map((k) => cache.get(`${limit}|${k}`)!));
    const out = new Map<K, V>();
    keys.forEach((k, i) => {
      if (values[i] !== undefined) out.set(k, values[i]!);
    });
    return out;
  };
}

export function createReadCache(store: RecStore): RecStore {
  const alsoViewed = memoised<string, Scored[]>((ids, limit) => store.alsoViewed(ids, limit), []);
  const boughtTogether = memoised<string, Scored[]>((ids, limit) => store.boughtTogether(ids, limit), []);
  const trending = memoised<string | null, Scored[]>((cats, limit) => store.trending(cats, limit), []);
  const recentSessions = memoised<string, Scored[]>((ids, limit) => store.recentSessions(ids, limit), []);
  // Users without state are absent from recentItems' answer, and stay absent here.
  const recentItems = memoised<string, RecentItem[]>((ids, limit) => store.recentItems(ids, limit), undefined);
  let unavailable: Promise<Set<string>> | null = null;
  return {
    landmark: (c) => store.landmark(c),
    loadUsers: (ids) => store.loadUsers(ids),
    saveUsers: (users) => store.saveUsers(users),
    listening: (ids) => store.listening(ids),
    applyDeltas: (source, deltas) => store.applyDeltas(source, deltas),
    unavailableProducts: () => (unavailable ??= store.unavailableProducts()),
    alsoViewed,
    boughtTogether,
    trending,
    recentSessions,
    recentItems,
    getRecs: (u) => store.getRecs(u),
    readRecs: (u) => store.readRecs(u),
    putRecs: (u, list, basis) => store.putRecs(u, list, basis),
    upsertProducts: (p) => store.upsertProducts(p),
    getProducts: (ids) => store.getProducts(ids),
    clear: () => store.clear(),
  };
}
