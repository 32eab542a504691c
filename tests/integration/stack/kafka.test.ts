// The local Kafka (npm run stack:up) speaks everything the gateway needs through kafkajs 2.2.4:
// topic admin, metadata, idempotent produce with acks=all, consumer groups, offsets.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type Producer } from 'kafkajs';
import { loadStackConfig } from '../../../src/config';

jest.setTimeout(60000);

const brokers = loadStackConfig(process.env).kafka?.brokers ?? ['127.0.0.1:9093'];
const unique = (label: string) => `stack-${label}-${randomBytes(4).toString('hex')}`;

describe('the local Kafka, through kafkajs', () => {
  const kafka = new Kafka({ clientId: unique('test'), brokers, logLevel: logLevel.NOTHING });
  let admin: Admin;
  let replicationFactor: number;
  const topics: string[] = [];
  const groups: string[] = [];
  const clients: (Producer | Consumer)[] = [];

  const newTopic = async (partitions: number): Promise<string> => {
    const topic = unique('topic');
    topics.push(topic);
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor }] });
    return topic;
  };

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    replicationFactor = Math.min(3, cluster.brokers.length);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.disconnect().catch(() => undefined)));
    if (groups.length > 0) await admin.deleteGroups(groups.splice(0)).catch(() => undefined);
    if (topics.length > 0) await admin.deleteTopics({ topics: topics.splice(0) });
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  test('describes the cluster: every broker answers and a controller is elected', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(cluster.controller).not.toBeNull();
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const addresses = cluster.brokers.map((b) => `${b.host}:${b.port}`);
    for (const b of brokers) expect(addresses).toContain(b);
  });

  test('creates a topic with the partitions asked for, each replicated on min(3, brokers) brokers with a leader', async () => {
    const topic = await newTopic(3);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = meta.topics[0]?.partitions ?? [];
    expect(partitions).toHaveLength(3);
    for (const p of partitions) {
      expect(p.replicas).toHaveLength(replicationFactor);
      expect(p.isr).toHaveLength(replicationFactor);
      expect(p.leader).toBeGreaterThanOrEqual(0);
    }
  });

  test('an idempotent acks=all producer writes records that a consumer group reads with keys and headers', async () => {
    const topic = await newTopic(2);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    clients.push(producer);
    await producer.connect();
    const sent = await producer.send({
      topic,
      acks: -1,
      messages: ['u1', 'u2', 'u3', 'u4'].map((key, i) => ({ key, value: `event-${i}`, headers: { source: 'stack-test' } })),
    });
    expect(sent.length).toBeGreaterThan(0); // one result per partition written
    expect(sent.filter((r) => r.errorCode !== 0)).toEqual([]);

    const groupId = unique('group');
    groups.push(groupId);
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
    clients.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: { key: string; value: string; header: string }[] = [];
    const allSeen = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push({ key: String(message.key), value: String(message.value), header: String(message.headers?.source) });
          if (seen.length === 4) resolve();
        },
      });
    });
    await allSeen;
    expect(seen.map((m) => m.value).sort()).toEqual(['event-0', 'event-1', 'event-2', 'event-3']);
    expect(seen.map((m) => m.key).sort()).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(new Set(seen.map((m) => m.header))).toEqual(new Set(['stack-test']));

    const described = await admin.describeGroups([groupId]);
    expect(described.groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer' });
    expect(described.groups[0]?.members).toHaveLength(1);

    await consumer.disconnect(); // commits what it consumed, then leaves the group
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed[0]?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(total).toBe(4);
  });

  test('lists offsets per partition: the high watermarks add up to what was produced', async () => {
    const topic = await newTopic(3);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    clients.push(producer);
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets).toHaveLength(3);
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(9);
    expect(offsets.every((p) => p.low === '0')).toBe(true);
  });
});
