// A canonical dump of what the events built under a prefix, to compare a replay with the live
// store. Left out: the catalogue (not from events), the legacy landmark, the stored lists with their
// versions and stale marks (lists are recomputed from the rest; compare them by recomputing), and
// the bookkeeping of the watermark hashes besides the watermarks (decay frames, size bounds and
// expiries: they depend on batch boundaries and on when a batch ran). A decayed score is Σ w·2^(t/H - e) in its set's frame e (src/recommend/decay.ts),
// and when a frame moves depends on batch boundaries; so scores are dumped as log2(score) + e, which
// does not, and two stores whose sets moved at different times compare equal.
import { scanEach, type RedisClient } from '../store/redisClient';
import { decodeRecent, decodeUserState } from '../store/userStateCodec';

export type Dump = Map<string, unknown>;

const LEFT_OUT = /(:info|:outofstock|:landmark|:recs|:recsig|:recver|:saved|:listed)$/;
/** The experiment counters and attribution states (src/experiments): they count lists delivered, which
 *  are not events in Kafka, so a replay does not rebuild them and a comparison leaves them out. */
const EXPERIMENT_KEY = /:\{x:[^}]*\}/;
const DECAYED_SET = /(:covis|:bought|:\{trending\}:all|:\{trending\}:cat:.*)$/;

/** Fields of a watermark hash that are not watermarks: 'frame:<key>', 'n:<key>', 'x:<key>', 'x' (see APPLY_DELTAS). */
const BOOKKEEPING_FIELD = /^(frame:|n:|x:|x$)/;

/** The set's frame epoch, from its group's watermark hash (field 'frame:<key>' = '<epoch>:<half-life>'). */
async function frameEpoch(redis: RedisClient, key: string): Promise<number> {
  const tag = /\{[^}]*\}/.exec(key)?.[0];
  const frame = tag ? await redis.hget(`${key.slice(0, key.indexOf(tag))}${tag}:wm`, `frame:${key}`) : null;
  return frame === null ? 0 : Number(frame.split(':')[0]);
}

/** A user's state and recent items as objects, whichever version stored them (userStateCodec.ts); other strings are JSON. */
function stringValue(name: string, raw: string): Record<string, unknown> {
  if (name.endsWith(':state')) {
    const decoded = decodeUserState(raw);
    return 'state' in decoded ? { ...decoded.state } : { corrupt: decoded.corrupt };
  }
  if (name.endsWith(':recent')) return decodeRecent(raw) as unknown as Record<string, unknown>; // an array, as before
  return JSON.parse(raw) as Record<string, unknown>;
}

export async function dumpPrefix(redis: RedisClient, prefix: string): Promise<Dump> {
  const norm = (score: number, epoch: number) => (score > 0 ? Math.log2(score) + epoch : score);
  const out: Dump = new Map();
  await scanEach(redis, `${prefix}:*`, 1000, async (keys) => {
    for (const key of keys) {
      if (LEFT_OUT.test(key) || EXPERIMENT_KEY.test(key)) continue;
      const name = key.slice(prefix.length + 1);
      const type = await redis.type(key);
      if (type === 'zset') {
        const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
        const epoch = DECAYED_SET.test(key) ? await frameEpoch(redis, key) : null;
        const entries: [string, number][] = [];
        for (let i = 0; i < flat.length; i += 2) entries.push([flat[i]!, epoch === null ? Number(flat[i + 1]) : norm(Number(flat[i + 1]), epoch)]);
        out.set(name, Object.fromEntries(entries.sort((a, b) => a[0].localeCompare(b[0]))));
      } else if (type === 'hash') {
        const fields = Object.entries(await redis.hgetall(key)).filter(([f]) => !BOOKKEEPING_FIELD.test(f));
        out.set(name, Object.fromEntries(fields.sort((x, y) => x[0].localeCompare(y[0]))));
      } else if (type === 'string') {
        const value = stringValue(name, (await redis.get(key))!);
        if (name.endsWith(':state') && value.cats) {
          const epoch = (value.catsFrame as { epoch?: number } | undefined)?.epoch ?? 0;
          value.cats = Object.fromEntries(Object.entries(value.cats as Record<string, number>).map(([c, v]) => [c, norm(v, epoch)]));
          delete value.catsFrame;
        }
        out.set(name, value);
      } else {
        out.set(name, `unexpected ${type}`);
      }
    }
  });
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
      return kx.length === ky.length && kx.every((k, i) => ky[i] === k && same((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]));
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
