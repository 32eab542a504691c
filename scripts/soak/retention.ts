// Retention soak: new shoppers arrive at a steady rate, each scored once (state, list, recent-user
// and co-visitation entries written as the scorer writes them), on a store whose keys expire after
// a short retention. What is left in Redis should level off at about rate x retention shoppers.
import type Redis from 'ioredis';
import { RedisStore } from '../../src/store/redisStore';
import { emptyUserState } from '../../src/recommend';
import type { DecayFrame } from '../../src/recommend';

/** Scores written as they are (the shape of a decayed value; the soak measures bytes, not ranking). */
const FIXED_FRAME: DecayFrame = { epoch: 0, halfLifeHours: 168 };

export interface SoakOptions {
  redis: Redis;
  prefix: string;
  /** New shoppers per second. */
  rate: number;
  seconds: number;
  retentionMs: number;
  /** Distinct products the shoppers view. */
  products?: number;
  onSample?: (sample: SoakSample) => void;
}

export interface SoakSample {
  second: number;
  shoppersSoFar: number;
  /** Keys of shoppers (`{u:...}`) left in Redis. */
  shopperKeys: number;
  /** Keys of product statistics (`{p:...}`) left. */
  productKeys: number;
}

export interface SoakResult {
  samples: SoakSample[];
  /** MEMORY USAGE summed over one shopper's keys, averaged over a sample of live shoppers. */
  bytesPerShopper: number;
  keysPerShopper: number;
}

async function countKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    n += keys.length;
  } while (cursor !== '0');
  return n;
}

export async function runRetentionSoak(o: SoakOptions): Promise<SoakResult> {
  const store = new RedisStore(o.redis, o.prefix, { retentionMs: () => o.retentionMs });
  const products = o.products ?? 50;
  const samples: SoakSample[] = [];
  let shopper = 0;
  let offset = 0;
  const start = Date.now();
  const score = async (n: number) => {
    const user = `s${n}`;
    const p1 = `p${n % products}`;
    const p2 = `p${(n * 7 + 3) % products}`;
    const state = {
      ...emptyUserState(),
      recent: [
        { p: p2, t: Date.now() },
        { p: p1, t: Date.now() - 1 },
      ],
      seen: [`e${n}a`, `e${n}b`],
    };
    await store.saveUsers(new Map([[user, state]]), new Map([[user, '']]));
    await store.applyDeltas('view-events/0', [
      { offset: offset++, delta: { kind: 'session', product: p1, user, at: Date.now() } },
      { offset: offset++, delta: { kind: 'covis', from: p1, to: p2, incr: 1, frame: FIXED_FRAME } },
    ]);
    const items = Array.from({ length: 20 }, (_, i) => ({ productId: `p${(n + i) % products}`, score: 20 - i, reason: 'TRENDING' as const }));
    await store.putRecs(user, { generatedAt: new Date().toISOString(), strategy: 'personalized', arm: null, items }, `e${n}b`);
  };
  for (let second = 1; second <= o.seconds; second++) {
    // A bounded loop: `rate` shoppers spread over the second, then a sample.
    const until = start + second * 1000;
    const batch = o.rate / 10;
    for (let tick = 0; tick < 10; tick++) {
      await Promise.all(Array.from({ length: batch }, () => score(shopper++)));
      const next = start + (second - 1) * 1000 + (tick + 1) * 100;
      if (next > Date.now()) await new Promise((r) => setTimeout(r, next - Date.now()));
    }
    if (until > Date.now()) await new Promise((r) => setTimeout(r, until - Date.now()));
    const sample = {
      second,
      shoppersSoFar: shopper,
      shopperKeys: await countKeys(o.redis, `${o.prefix}:{u:*`),
      productKeys: await countKeys(o.redis, `${o.prefix}:{p:*`),
    };
    samples.push(sample);
    o.onSample?.(sample);
  }
  // Bytes per shopper: the most recent shoppers' keys (still alive), MEMORY USAGE each.
  let bytes = 0;
  let keys = 0;
  let counted = 0;
  for (let n = shopper - 1; n >= 0 && counted < 20; n--) {
    const pattern = `${o.prefix}:{u:s${n}}:*`;
    const [, found] = await o.redis.scan('0', 'MATCH', pattern, 'COUNT', 100_000);
    if (found.length === 0) continue;
    for (const key of found) bytes += Number((await o.redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
    keys += found.length;
    counted++;
  }
  return { samples, bytesPerShopper: counted ? Math.round(bytes / counted) : 0, keysPerShopper: counted ? keys / counted : 0 };
}
