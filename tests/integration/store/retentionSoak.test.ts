// Memory that stays bounded (issue 15 item 8): new shoppers at a steady rate on the real Redis, with
// a 2 s retention. The keys left level off near rate x retention shoppers instead of growing with
// every shopper ever seen.
import Redis from 'ioredis';
import { runRetentionSoak } from '../../../scripts/soak/retention';
import { uniqueId } from '../../helpers/gateway';
import { RedisStore } from '../../../src/store/redisStore';

jest.setTimeout(60_000);

const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

test("new shoppers arriving at a steady rate leave a level number of keys once the first ones' retention passes", async () => {
  const redis = new Redis(url);
  const prefix = uniqueId('soak');
  try {
    const rate = 100;
    const retentionMs = 2000;
    const { samples, keysPerShopper, bytesPerShopper } = await runRetentionSoak({ redis, prefix, rate, seconds: 9, retentionMs });
    const steady = (rate * retentionMs) / 1000; // live shoppers once arrivals and expiries balance
    const tail = samples.slice(-5).map((s) => s.shopperKeys);
    const written = samples.at(-1)!.shoppersSoFar * keysPerShopper;
    // Every key of a live shopper is counted (state, recent, listed mark, list, signature, version).
    expect(keysPerShopper).toBe(6);
    expect(bytesPerShopper).toBeGreaterThan(0);
    for (const keys of tail) {
      expect(keys).toBeGreaterThan(0.5 * steady * keysPerShopper);
      expect(keys).toBeLessThan(1.6 * steady * keysPerShopper);
    }
    expect(Math.max(...tail)).toBeLessThan(written / 3); // 900 shoppers written, about 200 alive
    // The product statistics stay at the catalogue's size (50 products, 3 keys each at most).
    expect(Math.max(...samples.map((s) => s.productKeys))).toBeLessThanOrEqual(150);
  } finally {
    await new RedisStore(redis, prefix).clear();
    await redis.quit();
  }
});
