// Redis memory per shopper and per product: MEMORY USAGE of every key under a prefix, summed by
// the hash tag that names its owner ({u:<user>} or {p:<product>}), for the capacity model.
import type Redis from 'ioredis';

export interface OwnerBytes {
  owners: number;
  keys: number;
  bytes: number;
}

/** The owner's hash tag of a key ("{u:42}"), or null for keys outside any owner. */
export function ownerOf(key: string): string | null {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open);
  return close > open ? key.slice(open, close + 1) : null;
}

/** Sums MEMORY USAGE over the keys matching `pattern` that `keep` accepts, grouped by owner. */
export async function bytesByOwner(redis: Redis, pattern: string, keep: (key: string) => boolean = () => true): Promise<OwnerBytes> {
  const owners = new Set<string>();
  let keys = 0;
  let bytes = 0;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2000);
    cursor = next;
    const chosen = found.filter(keep);
    if (chosen.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of chosen) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    const results = (await pipeline.exec()) ?? [];
    chosen.forEach((key, i) => {
      const [err, value] = results[i] ?? [null, null];
      if (err || value === null) return; // expired between SCAN and MEMORY USAGE
      bytes += Number(value);
      keys++;
      const owner = ownerOf(key);
      if (owner) owners.add(owner);
    });
  } while (cursor !== '0');
  return { owners: owners.size, keys, bytes };
}
