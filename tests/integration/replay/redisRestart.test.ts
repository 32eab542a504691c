// Redis restarted under load (a private redis-server, killed and started again by its PID, no
// persistence): a connected subscriber keeps receiving pushes with higher versions, reads fail
// fast with UNAVAILABLE while it is down, and a replay restores the scores a Redis that never
// failed holds (a second gateway scoring the same topics into the shared Redis).
// The fault suite's redis-restart case (tests/faults/redisRestart.test.ts) does this under its load
// and accounts per eventId; this test alone compares the rebuilt store key by key with one that
// never failed. Helpers in replayKit.ts, shared with that case.
import Redis from 'ioredis';
import type { Gateway } from '../../../src/app';
import { diffDumps, dumpPrefix } from '../../../src/replay/dump';
import { eventually, gql, OPS, realStackEnv, startTestGateway, subscribe, wsClient } from '../../helpers/gateway';
import { CATALOG, dropGroup, dropPrefix, privateRedis, startReplay, upsertCatalog, waitScored, type PrivateRedis } from './replayKit';

jest.setTimeout(240_000);

const shared = realStackEnv();
let server: PrivateRedis;
let live: Gateway; // on the private Redis
let reference: Gateway; // same topics, own group, the shared Redis: never loses anything
let env: typeof shared;
const refEnv = { ...shared, REDIS_KEY_PREFIX: `${shared.REDIS_KEY_PREFIX}-ref`, KAFKA_GROUP_ID: `${shared.KAFKA_GROUP_ID}-ref` };
const restored = `${shared.REDIS_KEY_PREFIX}-restored`;

beforeAll(async () => {
  server = await privateRedis();
  env = { ...shared, REDIS_URL: server.url, REDIS_COMMAND_TIMEOUT_MS: '500' };
  live = await startTestGateway(env);
  reference = await startTestGateway(refEnv);
  await Promise.all([upsertCatalog(live.url), upsertCatalog(reference.url)]);
});

afterAll(async () => {
  await live?.stop();
  await reference?.stop();
  await server?.kill();
  const redis = new Redis(shared.REDIS_URL!);
  await dropPrefix(redis, refEnv.REDIS_KEY_PREFIX);
  await redis.quit();
  await dropGroup(shared, refEnv.KAFKA_GROUP_ID);
  await dropGroup(shared, `${shared.KAFKA_GROUP_ID}-replay-${restored}`);
});

test('a Redis restart under load: pushes go on with higher versions, reads fail fast with UNAVAILABLE meanwhile, a replay restores the scores', async () => {
  // Steady load: views from 8 shoppers, one every 25 ms, through the gateway on the private Redis.
  let sent = 0;
  let refused = 0;
  let loading = true;
  const load = (async () => {
    while (loading) {
      const user = `s${sent % 8}`;
      const res = await gql(live.url, OPS.trackView, {
        input: { userId: user, productId: CATALOG[(sent * 7) % CATALOG.length]!.id, eventId: `${env.REDIS_KEY_PREFIX}-${sent}` },
      }).catch(() => null);
      if ((res?.data as any)?.trackView?.accepted) sent += 1;
      else refused += 1;
      await new Promise((r) => setTimeout(r, 25));
    }
  })();

  const client = wsClient(live.url.replace('http', 'ws'));
  const sub = subscribe<{ recommendationsUpdated: { version: number } }>(client, OPS.recommendationsUpdated, { userId: 's0', limit: 5 });
  const versions = () => sub.received.filter((m) => m.data).map((m) => m.data!.recommendationsUpdated.version);
  await sub.until(() => versions().length >= 3, 30_000);
  const before = Math.max(...versions());

  await server.kill();
  // While Redis is down: a read answers UNAVAILABLE at once, and tracking still works (Kafka holds it).
  const startedAt = Date.now();
  const read = await gql(live.url, OPS.recommendations, { userId: 's1', limit: 5 });
  const readMs = Date.now() - startedAt;
  expect(read.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
  expect(readMs).toBeLessThan(1_000);
  const sentWhileDown = sent;
  await eventually(
    async () => sent,
    (n) => n > sentWhileDown + 5,
    10_000,
  );

  await server.start(); // empty: nothing was kept
  // The gateway reconnects by itself; then the operator's first step after a loss: the catalogue (not in Kafka).
  await eventually(
    () =>
      upsertCatalog(live.url).then(
        () => true,
        () => false,
      ),
    (ok) => ok,
    15_000,
    100,
  );
  const countBefore = versions().length;
  await sub.until(() => versions().length > countBefore && versions()[versions().length - 1]! > before, 30_000);
  const after = versions().slice(countBefore);
  expect(after.every((v) => v > before)).toBe(true);
  expect(sub.received.filter((m) => m.errors)).toEqual([]);

  loading = false;
  await load;
  expect(refused).toBe(0);
  const total = await waitScored(env, env.KAFKA_GROUP_ID!, 60_000);
  await waitScored(refEnv, refEnv.KAFKA_GROUP_ID, 60_000);
  expect(total).toBe(sent);

  // Replay into a fresh prefix of the restarted Redis; it must equal what the never-failed store holds.
  const run = startReplay(env, ['--to-prefix', restored]);
  expect(await run.done).toBe(0);
  const [privateClient, sharedClient] = [new Redis(server.url), new Redis(shared.REDIS_URL!)];
  try {
    const rebuilt = await dumpPrefix(privateClient, restored);
    const never = await dumpPrefix(sharedClient, refEnv.REDIS_KEY_PREFIX);
    expect([...never.keys()].filter((k) => k.endsWith(':state'))).toHaveLength(8);
    expect(diffDumps(never, rebuilt)).toEqual([]);
  } finally {
    sub.dispose();
    await client.dispose();
    await Promise.all([privateClient.quit(), sharedClient.quit()]);
  }
});
