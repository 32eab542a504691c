// Heap profile of held subscriptions (README "Bench", d. held). After `npm run build`:
//   cd /tmp/x && node <repo>/scripts/held-profile/profile.js <repo> 2000 snap
//   node --max-old-space-size=4096 <repo>/scripts/held-profile/diff.js Heap*.001.heapsnapshot Heap*.002.heapsnapshot 2000
// Starts a gateway child like bench scenario d, opens N subscriptions, prints memory per sub,
// optionally writes heap snapshots at 0 and N (SIGUSR2) into cwd.
const root = process.argv[2];
const N = Number(process.argv[3] || 2000);
const snap = process.argv[4] === 'snap';
const { startChild } = require(`${root}/dist/scripts/bench/procs`);
const { openSubscribers } = require(`${root}/dist/scripts/bench/ws`);
const { catalogue } = require(`${root}/dist/scripts/bench/workload`);
const { RedisStore } = require(`${root}/dist/src/store/redisStore`);
const Redis = require(`${root}/node_modules/ioredis`);
const { removeLeftovers } = require('./leftovers');
const fs = require('fs');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const id = `bench-leanprof${Math.random().toString(16).slice(2, 8)}-held`;
async function waitSnap(before) {
  for (let i = 0; i < 600; i++) {
    const files = fs.readdirSync('.').filter((f) => f.endsWith('.heapsnapshot'));
    if (files.length > before) {
      await sleep(3000);
      return;
    }
    await sleep(500);
  }
}
(async () => {
  const redis = new Redis('redis://127.0.0.1:6379');
  await new RedisStore(redis, id).upsertProducts(catalogue(id, 2000));
  const env = {
    KAFKA_BROKERS: '127.0.0.1:9093',
    REDIS_URL: 'redis://127.0.0.1:6379',
    ZOOKEEPER_CONNECT: '127.0.0.1:2181',
    ZOOKEEPER_ROOT: `/${id}`,
    REDIS_KEY_PREFIX: id,
    KAFKA_TOPIC_PREFIX: `${id}-`,
    KAFKA_GROUP_ID: `${id}-scorer`,
    KAFKA_PARTITIONS: '6',
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'development',
    RECSYS_TRACK_RATE_USER_PER_SECOND: '0',
    RECSYS_TRACK_RATE_IP_PER_SECOND: '0',
    RECSYS_WS_MAX_SOCKETS_PER_ADDRESS: '1000000',
    RECSYS_WS_MAX_SUBSCRIPTIONS: '1',
    ...(snap ? { NODE_OPTIONS: '--heapsnapshot-signal=SIGUSR2' } : {}),
  };
  const gw = await startChild('gateway', { env });
  let subs;
  try {
    await sleep(500);
    const before = await gw.memory();
    if (snap) {
      process.kill(gw.pid, 'SIGUSR2');
      await waitSnap(0);
    }
    const users = Array.from({ length: N }, (_, i) => `${id}-u${i}`);
    subs = await openSubscribers(
      gw.wsUrl,
      users,
      () => {},
      () => {},
      300000,
      () => '',
    ); // auth off here (development, no secret)
    await sleep(1000);
    const mem = await gw.memory();
    const per = (k) => ((mem[k] - before[k]) / 1024 / subs.ready()).toFixed(2);
    console.log(
      JSON.stringify({
        n: subs.ready(),
        errors: subs.errors(),
        rssKb: per('rss'),
        heapUsedKb: per('heapUsed'),
        heapTotalKb: per('heapTotal'),
        externalKb: per('external'),
        arrayBuffersKb: per('arrayBuffers'),
      }),
    );
    if (snap) {
      process.kill(gw.pid, 'SIGUSR2');
      await waitSnap(1);
    }
  } finally {
    if (subs) await subs.dispose();
    await gw.stop();
    await removeLeftovers({ redis, kafkajs: require(`${root}/node_modules/kafkajs`), id, groups: [`${id}-scorer`] });
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
