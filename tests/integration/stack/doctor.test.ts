// The doctor's three checks print the seed's expected lines against the local stack, leave nothing
// behind, and fail in bounded time naming the part when a server is not there.
import { Kafka, logLevel } from 'kafkajs';
import Redis from 'ioredis';
import zookeeper from 'node-zookeeper-client';
import { loadStackConfig } from '../../../src/config';
import { UnavailableError } from '../../../src/errors';
import { checkKafka, checkRedis, checkZooKeeper, DOCTOR_KEY_PREFIX, isDoctorMessage, runDoctor } from '../../../src/doctor';

jest.setTimeout(60000);

const config = loadStackConfig(process.env);
const brokers = config.kafka?.brokers ?? ['127.0.0.1:9093'];
const redisUrl = config.redis?.url ?? 'redis://127.0.0.1:6379';
const zkConnect = config.zookeeper?.connect ?? '127.0.0.1:2181';

function capture(): { lines: string[]; print: (line: string) => void } {
  const lines: string[] = [];
  return { lines, print: (line) => lines.push(line) };
}

describe('the doctor against the local stack', () => {
  test('the Kafka check prints "Message sent" in the seed\'s shape and reads back the record it produced', async () => {
    const out = capture();
    const received = await checkKafka({ brokers, print: out.print });
    expect(out.lines).toHaveLength(2);
    expect(out.lines[0]).toBe(`Message sent: { 'view-events': { '0': ${received.offset} } }`);
    expect(out.lines[1]).toMatch(
      new RegExp(
        `^Received message: \\{ topic: 'view-events', value: 'Hello Kafka', offset: ${received.offset}, partition: 0, highWaterOffset: \\d+, key: 'recsys-doctor' \\}$`,
      ),
    );
  });

  test("the doctor's Kafka record carries the recsys-doctor header, and no doctor consumer group stays behind", async () => {
    const received = await checkKafka({ brokers, print: () => undefined });
    const kafka = new Kafka({ clientId: 'doctor-test', brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const groupId = `doctor-test-${process.pid}-${Date.now()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
    try {
      await admin.connect();
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      expect(groups.filter((g) => g.startsWith(`recsys-doctor-${process.pid}-`))).toEqual([]);

      await consumer.connect();
      await consumer.subscribe({ topic: 'view-events' });
      const headers = new Promise<Record<string, unknown> | undefined>((resolve) => {
        void consumer.run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (partition === received.partition && Number(message.offset) === received.offset) resolve(message.headers);
          },
        });
      });
      consumer.seek({ topic: 'view-events', partition: received.partition, offset: String(received.offset) });
      const h = await headers;
      expect(isDoctorMessage(h as Parameters<typeof isDoctorMessage>[0])).toBe(true);
      expect(String(h?.['recsys-doctor'])).toBe('1');
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    }
  });

  test("the Redis check prints the seed's five lines and deletes its key", async () => {
    const out = capture();
    await checkRedis({ url: redisUrl, print: out.print });
    expect(out.lines).toEqual(['Connected to Redis.', 'Redis client connected.', 'Set reply: OK', 'Get reply: Hello Redis', 'Redis client disconnected.']);
    const redis = new Redis(redisUrl);
    try {
      const [, keys] = await redis.scan('0', 'MATCH', `${DOCTOR_KEY_PREFIX}:${process.pid}-*`, 'COUNT', 10000);
      expect(keys).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  test("the ZooKeeper check prints the seed's three lines and removes its znode", async () => {
    const out = capture();
    await checkZooKeeper({ connect: zkConnect, print: out.print });
    expect(out.lines).toEqual(['Connected to Zookeeper.', 'Znode created.', 'Znode data: Hello Zookeeper']);
    const client = zookeeper.createClient(zkConnect);
    try {
      const children = await new Promise<string[]>((resolve, reject) => {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- ZooKeeper's Exception, as the client hands it
        client.once('connected', () => client.getChildren('/', (err, c) => (err ? reject(err) : resolve(c))));
        client.connect();
      });
      expect(children.filter((c) => c.startsWith(`recsys-doctor-${process.pid}-`))).toEqual([]);
    } finally {
      client.close();
    }
  });

  test("runDoctor runs the three checks in the seed's order and reports each as passed", async () => {
    const out = capture();
    const results = await runDoctor({ targets: { kafkaBrokers: brokers, redisUrl, zookeeperConnect: zkConnect }, print: out.print });
    expect(results.map((r) => [r.part, r.ok])).toEqual([
      ['Kafka', true],
      ['Redis', true],
      ['ZooKeeper', true],
    ]);
    expect(out.lines.map((l) => l.split(':')[0])).toEqual([
      'Message sent',
      'Received message',
      'Connected to Redis.',
      'Redis client connected.',
      'Set reply',
      'Get reply',
      'Redis client disconnected.',
      'Connected to Zookeeper.',
      'Znode created.',
      'Znode data',
    ]);
  });
});

describe('the doctor when a server is not there', () => {
  // Port 1 on loopback: nothing listens there.
  const expectFailsFast = async (part: string, check: Promise<unknown>, withinMs: number) => {
    const started = Date.now();
    const error = await check.then(
      () => null,
      (err: unknown) => err,
    );
    expect(Date.now() - started).toBeLessThan(withinMs);
    expect(error).toBeInstanceOf(Error);
    if (error instanceof UnavailableError) expect(error.message).toContain(part);
  };

  test('the Kafka check fails within its time bound', async () => {
    await expectFailsFast('Kafka', checkKafka({ brokers: ['127.0.0.1:1'], print: () => undefined, timeoutMs: 3000 }), 6000);
  });

  test('the Redis check fails within its time bound, naming Redis', async () => {
    await expectFailsFast('Redis', checkRedis({ url: 'redis://127.0.0.1:1', print: () => undefined, timeoutMs: 2000 }), 4000);
  });

  test('the ZooKeeper check fails within its time bound, naming ZooKeeper', async () => {
    await expectFailsFast('ZooKeeper', checkZooKeeper({ connect: '127.0.0.1:1', print: () => undefined, timeoutMs: 1500 }), 4000);
  });
});
