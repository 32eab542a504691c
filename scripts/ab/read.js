// Read-path A/B of two builds (README "Bench", e. read). After `npm run build` in both trees:
//   node scripts/ab/read.js <before-tree> <after-tree> [rounds=8]
// Starts one gateway child from each tree (as bench scenario e does) over the same 2,000 stored
// lists on the stack's Redis (a fresh key prefix, deleted at the end), then loads them in
// alternating 3 s bursts (16 connections, the bench's query) so both see the same machine, and
// prints each child's CPU per query (process.cpuUsage over IPC) per round and in all.
const [beforeRoot, afterRoot] = [process.argv[2], process.argv[3]];
const rounds = Number(process.argv[4] || 8);
const autocannon = require(`${afterRoot}/node_modules/autocannon`);
const Redis = require(`${afterRoot}/node_modules/ioredis`);
const { removeLeftovers } = require('../held-profile/leftovers');
const { RedisStore } = require(`${afterRoot}/dist/src/store/redisStore`);
const { catalogue, rng } = require(`${afterRoot}/dist/scripts/bench/workload`);
const id = `bench-abread${Math.random().toString(16).slice(2, 8)}`;
const QUERY = 'query($u: ID!) { recommendations(userId: $u, limit: 10) { userId version items { score reason product { id name category price } } } }';
const env = (tag) => ({
  KAFKA_BROKERS: '127.0.0.1:9093',
  REDIS_URL: 'redis://127.0.0.1:6379',
  ZOOKEEPER_CONNECT: '127.0.0.1:2181',
  ZOOKEEPER_ROOT: `/${id}-${tag}`,
  REDIS_KEY_PREFIX: id,
  KAFKA_TOPIC_PREFIX: `${id}-${tag}-`,
  KAFKA_GROUP_ID: `${id}-${tag}-scorer`,
  KAFKA_PARTITIONS: '6',
  HOST: '127.0.0.1',
  PORT: '0',
  NODE_ENV: 'development',
  RECSYS_TRACK_RATE_USER_PER_SECOND: '0',
  RECSYS_TRACK_RATE_IP_PER_SECOND: '0',
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
});
async function burst(url, seconds) {
  let ok = 0,
    n = 0;
  await autocannon({
    url,
    connections: 16,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (r) => ({ ...r, body: JSON.stringify({ query: QUERY, variables: { u: `${id}-u${++n % 2000}` } }) }),
        onResponse: (status, text) => {
          if (status === 200 && text.startsWith('{"data":{"recommendations":{')) ok++;
        },
      },
    ],
  });
  return ok;
}
(async () => {
  const redis = new Redis('redis://127.0.0.1:6379');
  const store = new RedisStore(redis, id);
  const products = catalogue(id, 5000);
  const random = rng(5);
  await store.upsertProducts(products);
  for (let u = 0; u < 2000; u += 200)
    await Promise.all(
      Array.from({ length: 200 }, (_, k) =>
        store.putRecs(`${id}-u${u + k}`, {
          generatedAt: new Date().toISOString(),
          strategy: 'personalized',
          arm: null,
          items: Array.from({ length: 20 }, (_, i) => ({
            productId: products[Math.floor(random() * products.length)].id,
            score: 20 - i,
            reason: 'ALSO_VIEWED',
          })),
        }),
      ),
    );
  const kids = {};
  try {
    kids.before = await require(`${beforeRoot}/dist/scripts/bench/procs`).startChild('gateway', { env: env('b') });
    kids.after = await require(`${afterRoot}/dist/scripts/bench/procs`).startChild('gateway', { env: env('a') });
    for (const k of ['before', 'after']) await burst(kids[k].url, 2); // warm-up
    const sum = { before: { cpu: 0, q: 0 }, after: { cpu: 0, q: 0 } };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? ['after', 'before'] : ['before', 'after'];
      const line = [];
      for (const k of order) {
        const c0 = await kids[k].cpu();
        const t0 = Date.now();
        const q = await burst(kids[k].url, 3);
        const c1 = await kids[k].cpu();
        const s = (Date.now() - t0) / 1000;
        const cpu = c1.user + c1.system - c0.user - c0.system;
        sum[k].cpu += cpu;
        sum[k].q += q;
        line.push(`${k} ${(cpu / q).toFixed(0)} µs/q ${(q / s).toFixed(0)} q/s`);
      }
      console.log(`round ${r + 1}: ${line.join(' | ')}`);
    }
    for (const k of ['before', 'after']) console.log(`${k}: ${(sum[k].cpu / sum[k].q).toFixed(0)} µs CPU per query over ${sum[k].q} queries`);
  } finally {
    for (const k of Object.values(kids)) await k.stop().catch(() => {});
    await removeLeftovers({ redis, kafkajs: require(`${afterRoot}/node_modules/kafkajs`), id, groups: [`${id}-a-scorer`, `${id}-b-scorer`] });
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
