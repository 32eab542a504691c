// A canonical dump of what the events built under a prefix, to compare a replay with the live
// store. Left out: the catalogue (not from events), the landmark, and the stored lists with their
// versions and stale marks (lists are recomputed from the rest; compare them by recomputing).
// Decayed scores depend on the landmark (score = Σ w·2^((t - L)/H)); they are dumped as
// log2(score) + L/H, which does not, so stores with different landmarks compare equal.
import type Redis from 'ioredis';

export type Dump = Map<string, unknown>;

const LEFT_OUT = /(:info|:outofstock|:landmark|:recs|:recsig|:recver|:saved|:listed)$/;
const DECAYED_SET = /(:covis|:bought|:\{trending\}:all|:\{trending\}:cat:.*)$/;

export async function dumpPrefix(redis: Redis, prefix: string, halfLifeHours: number): Promise<Dump> {
  const landmark = Number(await redis.get(`${prefix}:landmark`));
  const h = halfLifeHours * 3_600_000;
  const norm = (score: number) => (score > 0 ? Math.log2(score) + landmark / h : score);
  const out: Dump = new Map();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      if (LEFT_OUT.test(key)) continue;
      const name = key.slice(prefix.length + 1);
      const type = await redis.type(key);
      if (type === 'zset') {
        const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
        const entries: [string, number][] = [];
        for (let i = 0; i < flat.length; i += 2) entries.push([flat[i]!, DECAYED_SET.test(key) ? norm(Number(flat[i + 1])) : Number(flat[i + 1])]);
        out.set(name, Object.fromEntries(entries.sort((a, b) => a[0].localeCompare(b[0]))));
      } else if (type === 'hash') {
        out.set(name, Object.fromEntries(Object.entries(await redis.hgetall(key)).sort((x, y) => x[0].localeCompare(y[0]))));
      } else if (type === 'string') {
        const value = JSON.parse((await redis.get(key))!) as Record<string, unknown>;
        if (name.endsWith(':state') && value.cats) {
          value.cats = Object.fromEntries(Object.entries(value.cats as Record<string, number>).map(([c, v]) => [c, norm(v)]));
        }
        out.set(name, value);
      } else {
        out.set(name, `unexpected ${type}`);
      }
    }
  } while (cursor !== '0');
  return out;
}

/** The differences between two dumps (numbers equal within `tolerance`), at most `max` of them. */
export function diffDumps(a: Dump, b: Dump, tolerance = 1e-9, max = 20): string[] {
  const out: string[] = [];
  const same = (x: unknown, y: unknown): boolean => {
    if (typeof x === 'number' && typeof y === 'number') return Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(x));
    if (x && y && typeof x === 'object' && typeof y === 'object') {
      const kx = Object.keys(x);
      const ky = Object.keys(y);
      return kx.length === ky.length && kx.every((k, i) => ky[i] === k && same((x as any)[k], (y as any)[k]));
    }
    return x === y;
  };
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if (out.length >= max) break;
    if (!a.has(key) || !b.has(key)) out.push(`${key}: only in ${a.has(key) ? 'the first' : 'the second'}`);
    else if (!same(a.get(key), b.get(key))) out.push(`${key}: ${JSON.stringify(a.get(key)).slice(0, 300)} != ${JSON.stringify(b.get(key)).slice(0, 300)}`);
  }
  return out;
}
