// Push-path A/B of two builds (README "Held subscriptions, lean"). After `npm run build` in both:
//   node scripts/ab/push.js <before-tree> <after-tree> [subscribers=1000] [rounds=8]
// One gateway child from each tree over the same key prefix on the stack's Redis, each with the
// same shoppers subscribed (one websocket each). Each round stores a new list for every shopper
// (one PUBLISH each, heard by both gateways) and waits until every socket of both has it; prints
// each child's CPU per push (process.cpuUsage over IPC) per round and in all.
const [beforeRoot, afterRoot] = [process.argv[2], process.argv[3]];
const n = Number(process.argv[4] || 1000);
const rounds = Number(process.argv[5] || 8);
const Redis = require(`${afterRoot}/node_modules/ioredis`);
const { RedisStore } = require(`${afterRoot}/dist/src/store/redisStore`);
const { openSubscribers } = require(`${afterRoot}/dist/scripts/bench/ws`);
const { catalogue } = require(`${afterRoot}/dist/scripts/bench/workload`);
const { removeLeftovers } = require('../held-profile/leftovers');
const id = `bench-abpush${Math.random().toString(16).slice(2, 8)}`;
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
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
  RECSYS_WS_MAX_SOCKETS_PER_ADDRESS: '1000000',
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const redis = new Redis('redis://127.0.0.1:6379');
  const store = new RedisStore(redis, id);
  const products = catalogue(id, 200);
  await store.upsertProducts(products);
  const users = Array.from({ length: n }, (_, i) => `${id}-u${i}`);
  const put = (round) =>
    Promise.all(
      users.map((u, i) =>
        store.putRecs(u, {
          generatedAt: new Date().toISOString(),
          strategy: 'personalized',
          arm: null,
          items: Array.from({ length: 10 }, (_, k) => ({ productId: products[(i + k + round) % products.length].id, score: 10 - k, reason: 'ALSO_VIEWED' })),
        }),
      ),
    );
  await put(0);
  const kids = {};
  const subs = {};
  try {
    kids.before = await require(`${beforeRoot}/dist/scripts/bench/procs`).startChild('gateway', { env: env('b') });
    kids.after = await require(`${afterRoot}/dist/scripts/bench/procs`).startChild('gateway', { env: env('a') });
    for (const k of ['before', 'after'])
      subs[k] = await openSubscribers(
        kids[k].wsUrl,
        users,
        () => {},
        () => {},
        120_000,
      );
    const sum = { before: 0, after: 0 };
    for (let r = 1; r <= rounds; r++) {
      const c0 = { before: await kids.before.cpu(), after: await kids.after.cpu() };
      const versions = await put(r);
      const want = new Map(users.map((u, i) => [u, versions[i].recs.version]));
      const deadline = Date.now() + 60_000;
      const done = (k) => users.every((u) => (subs[k].versions.get(u) ?? 0) >= want.get(u));
      while (!(done('before') && done('after')) && Date.now() < deadline) await sleep(20);
      const line = [];
      for (const k of ['before', 'after']) {
        const c1 = await kids[k].cpu();
        const cpu = c1.user + c1.system - c0[k].user - c0[k].system;
        sum[k] += cpu;
        line.push(`${k} ${(cpu / n).toFixed(0)} µs/push${done(k) ? '' : ' (incomplete)'}`);
      }
      console.log(`round ${r}: ${line.join(' | ')}`);
    }
    for (const k of ['before', 'after']) console.log(`${k}: ${(sum[k] / (n * rounds)).toFixed(0)} µs CPU per push over ${n * rounds} pushes`);
  } finally {
    for (const s of Object.values(subs)) await s.dispose().catch(() => {});
    for (const k of Object.values(kids)) await k.stop().catch(() => {});
    await removeLeftovers({ redis, kafkajs: require(`${afterRoot}/node_modules/kafkajs`), id, groups: [`${id}-a-scorer`, `${id}-b-scorer`] });
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
