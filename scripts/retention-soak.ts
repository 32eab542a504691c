// npm run soak:retention [-- --rate 200 --seconds 20 --retention-ms 5000]
// Prints, per second, the keys left of shoppers and products, then the bytes per live shopper
// (the capacity model's figure). Writes under a fresh key prefix and removes it afterwards.
import Redis from 'ioredis';
import { runRetentionSoak } from './soak/retention';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} expects a positive number, got ${JSON.stringify(process.argv[i + 1])}`);
  return value;
}

async function main(): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  const prefix = `soak-${Date.now().toString(36)}`;
  const rate = arg('rate', 200);
  const retentionMs = arg('retention-ms', 5000);
  try {
    const result = await runRetentionSoak({
      redis,
      prefix,
      rate,
      seconds: arg('seconds', 20),
      retentionMs,
      onSample: (s) => console.log(`t=${s.second}s shoppers=${s.shoppersSoFar} shopperKeys=${s.shopperKeys} productKeys=${s.productKeys}`),
    });
    console.log(`steady state expected ~${Math.round((rate * retentionMs) / 1000)} live shoppers`);
    console.log(`bytes per live shopper: ${result.bytesPerShopper} (${result.keysPerShopper} keys, MEMORY USAGE summed)`);
  } finally {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
    await redis.quit();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
