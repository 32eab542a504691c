// Exactly-once in effect, fan-out across instances, and a broker that stops answering.
import Redis from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { Gateway } from '../../../src/app';
import { TOPIC_OF, type ViewEnvelope } from '../../../src/events/envelope';
import { KafkaPublisher } from '../../../src/log/kafkaLog';
import { MemoryDeadLetters } from '../../../src/log/deadLetters';
import { defaultFlags } from '../../../src/flags/definitions';
import { Recommender } from '../../../src/recommender/recommender';
import { MemoryStore } from '../../../src/store/memoryStore';
import { RedisStore } from '../../../src/store/redisStore';
import { createScorer } from '../../../src/streams/scorer';
import { withAdmin } from '../../../src/log/kafkaAdmin';
import { ensureTopics } from '../../../src/streams/topics';
import { OPS, eventually, gql, realStackEnv, startTestGateway, subscribe, uniqueId, wsClient } from '../../helpers/gateway';
import { freePort, kafkaBrokerPids, killHard, spawnGateway } from '../../helpers/processes';

jest.setTimeout(120_000);

const trendingScore = async (url: string, productId: string): Promise<number | null> => {
  const res = await gql(url, `{ trending(limit: 100) { score product { id } } }`);
  return res.data?.trending.find((t: { product: { id: string } }) => t.product.id === productId)?.score ?? null;
};

describe('delivery guarantees on the real stack', () => {
  test('the same eventId tracked twice leaves every score as after once', async () => {
    const gateway = await startTestGateway(realStackEnv());
    try {
      const [user, product, marker] = [uniqueId('u'), uniqueId('p'), uniqueId('marker')];
      const eventId = randomUUID();
      await gql(gateway.url, OPS.trackView, { input: { userId: user, productId: product, eventId } });
      const once = await eventually(
        () => trendingScore(gateway.url, product),
        (s) => s !== null,
      );
      const retry = await gql(gateway.url, OPS.trackView, { input: { userId: user, productId: product, eventId } });
      expect(retry.data?.trackView).toEqual({ accepted: true, eventId });
      // Same user, same partition: once the marker is scored, the retry was too.
      await gql(gateway.url, OPS.trackView, { input: { userId: user, productId: marker } });
      await eventually(
        () => trendingScore(gateway.url, marker),
        (s) => s !== null,
      );
      expect(await trendingScore(gateway.url, product)).toBe(once);
    } finally {
      await gateway.stop();
    }
  });

  test('a scorer killed mid-stream and restarted neither loses nor double-counts an event', async () => {
    const env = realStackEnv();
    const kafka = new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    await withAdmin(kafka, (admin) => ensureTopics(admin, env.KAFKA_TOPIC_PREFIX!, 3));
    const publisher = new KafkaPublisher({ kafka, topicPrefix: env.KAFKA_TOPIC_PREFIX!, timeoutMs: 10_000 });
    const events: ViewEnvelope[] = [];
    const start = Date.now() - 60_000;
    for (let i = 0; i < 4000; i++) {
      const at = new Date(start + i * 10).toISOString();
      events.push({
        v: 1,
        type: 'view',
        eventId: `e${i}`,
        userId: `u${i % 97}`,
        productId: `p${(i * 7) % 61}`,
        sessionId: null,
        occurredAt: at,
        receivedAt: at,
      });
    }
    await Promise.all(events.map((e) => publisher.publish(e)));
    await publisher.stop();

    const redis = new Redis(env.REDIS_URL!);
    const store = new RedisStore(redis, env.REDIS_KEY_PREFIX!);
    const first = await spawnGateway(env, await freePort());
    // Kill it as soon as scoring has begun (the first batch's statistics are in).
    await eventually(
      () => redis.exists(store.keys.trendingWatermark),
      (n) => n === 1,
      30_000,
      5,
    );
    await killHard(first);
    const second = await spawnGateway(env, await freePort());
    const admin = kafka.admin();
    await admin.connect();
    try {
      await eventually(
        () => lag(admin, env.KAFKA_GROUP_ID!, env.KAFKA_TOPIC_PREFIX!),
        (l) => l === 0,
        60_000,
        200,
      );

      // What a clean replay of exactly the produced events gives, through the same code.
      const replay = new MemoryStore(); // decay frames follow from event times alone, so scores compare exactly
      const flags = () => defaultFlags();
      const { scoreBatch: score } = createScorer({
        store: replay,
        recommender: new Recommender({ store: replay, flags }),
        flags,
        deadLetters: new MemoryDeadLetters(),
      });
      await score(
        'replay',
        events.map((event, offset) => ({ offset, event })),
      );

      const products = Array.from({ length: 61 }, (_, i) => `p${i}`);
      const [expected, actual] = await Promise.all([replay.trending([null], 100), store.trending([null], 100)]);
      const byId = (list: { id: string; score: number }[]) => Object.fromEntries(list.map((s) => [s.id, s.score]));
      const [e, a] = [byId(expected.get(null)!), byId(actual.get(null)!)];
      expect(Object.keys(a).sort()).toEqual(Object.keys(e).sort());
      for (const p of products) expect(a[p]).toBeCloseTo(e[p]!, 6);
      const [ev, av] = await Promise.all([replay.alsoViewed(products, 200), store.alsoViewed(products, 200)]);
      for (const p of products)
        expect(byId(av.get(p)!)).toEqual(Object.fromEntries(Object.entries(byId(ev.get(p)!)).map(([k, v]) => [k, expect.closeTo(v, 6)])));
    } finally {
      await killHard(second);
      await admin.disconnect();
      await redis.quit();
    }
  });

  test('an event tracked on one gateway reaches a subscriber connected to another', async () => {
    const env = realStackEnv();
    const one = await startTestGateway(env);
    const other = await startTestGateway(env);
    const client = wsClient(other.wsUrl);
    try {
      const [user, a, b] = [uniqueId('u'), uniqueId('a'), uniqueId('b')];
      const sub = subscribe<{ recommendationsUpdated: { version: number; items: { product: { id: string } }[] } }>(client, OPS.recommendationsUpdated, {
        userId: user,
      });
      await sub.until((m) => m.length >= 1);
      // Someone else makes b trending; then the user's own view changes their list (b fills it).
      await gql(one.url, OPS.trackView, { input: { userId: uniqueId('x'), productId: b } });
      await eventually(
        () => trendingScore(one.url, b),
        (s) => s !== null,
        30_000,
      );
      await gql(one.url, OPS.trackView, { input: { userId: user, productId: a } });
      await sub.until((m) => m.length >= 2, 15_000);
      expect(sub.received[1]!.data!.recommendationsUpdated.items.map((i) => i.product.id)).toContain(b);
      expect(sub.received[1]!.data!.recommendationsUpdated.version).toBeGreaterThan(sub.received[0]!.data!.recommendationsUpdated.version);
      sub.dispose();
    } finally {
      await client.dispose();
      await Promise.all([one.stop(), other.stop()]);
    }
  });

  test('with Kafka not answering a track mutation fails fast with UNAVAILABLE, and works again after', async () => {
    const gateway: Gateway = await startTestGateway({ ...realStackEnv(), KAFKA_PRODUCE_TIMEOUT_MS: '1500' });
    const pids = kafkaBrokerPids();
    // Pausing brokers someone else started (a shared stack) would take their Kafka down too.
    if (pids.length === 0)
      throw new Error('this test pauses the Kafka brokers that `npm run stack:up` started from this checkout (.stack/state.json), and it started none');
    try {
      pids.forEach((pid) => process.kill(pid, 'SIGSTOP'));
      const started = Date.now();
      const res = await gql(gateway.url, OPS.trackView, { input: { userId: uniqueId('u'), productId: 'p' } });
      const took = Date.now() - started;
      pids.forEach((pid) => process.kill(pid, 'SIGCONT'));
      expect(res.data?.trackView ?? null).toBeNull();
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
      expect(took).toBeLessThan(5_000);
      const again = await eventually(
        () => gql(gateway.url, OPS.trackView, { input: { userId: uniqueId('u'), productId: 'p' } }),
        (r) => r.data?.trackView?.accepted === true,
        30_000,
        500,
      );
      expect(again.errors).toBeUndefined();
    } finally {
      pids.forEach((pid) => {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          /* already running */
        }
      });
      await gateway.stop();
    }
  });
});

async function lag(admin: Admin, groupId: string, prefix: string): Promise<number> {
  const topics = Object.values(TOPIC_OF).map((t) => prefix + t);
  const committed = await admin.fetchOffsets({ groupId, topics });
  let total = 0;
  for (const { topic, partitions } of committed) {
    const ends = await admin.fetchTopicOffsets(topic);
    for (const p of partitions) {
      const end = Number(ends.find((e) => e.partition === p.partition)?.high ?? 0);
      const at = Number(p.offset) < 0 ? Number(ends.find((e) => e.partition === p.partition)?.low ?? 0) : Number(p.offset);
      total += end - at;
    }
  }
  return total;
}
