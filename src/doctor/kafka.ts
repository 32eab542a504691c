// The seed's Kafka check (tests/kafkaTest.js) on kafkajs: produce 'Hello Kafka' to partition 0 of
// view-events and read that very record back. The read uses a one-off consumer group that seeks to
// the produced offset and never commits; the group is deleted afterwards. The record carries the
// doctor marker (./marker.ts) so the gateway's own consumer group skips it.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { TOPICS } from '../config';
import { UnavailableError } from '../errors';
import { DOCTOR_HEADER, DOCTOR_KEY } from '../log/doctorMarker';
import { remaining, within } from './timeout';

export interface KafkaCheckOptions {
  brokers: string[];
  print: (line: string) => void;
  /** Default view-events, as in the seed. */
  topic?: string;
  /** The whole check, connect to disconnect (default 30 s). */
  timeoutMs?: number;
}

export interface ReceivedMessage {
  topic: string;
  value: string;
  offset: number;
  partition: number;
  highWaterOffset: number;
  key: string | null;
}

export async function checkKafka(options: KafkaCheckOptions): Promise<ReceivedMessage> {
  const { brokers, print, topic = TOPICS.view, timeoutMs = 30000 } = options;
  const deadline = Date.now() + timeoutMs;
  const partition = 0;
  const kafka = new Kafka({
    clientId: 'recsys-doctor',
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.NOTHING,
  });
  const groupId = `recsys-doctor-${process.pid}-${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
    sessionTimeout: 10000,
    heartbeatInterval: 1000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  });
  let joined = false;
  try {
    await within('Kafka', remaining(deadline), `connecting to ${brokers.join(',')}`, admin.connect());
    const topics = await within('Kafka', remaining(deadline), 'listing topics', admin.listTopics());
    if (!topics.includes(topic)) {
      throw new UnavailableError('Kafka', `topic ${topic} does not exist at ${brokers.join(',')}`);
    }
    await within('Kafka', remaining(deadline), 'connecting the producer', producer.connect());
    const [sent] = await within(
      'Kafka',
      remaining(deadline),
      `producing to ${topic}`,
      producer.send({
        topic,
        acks: -1,
        messages: [{ key: DOCTOR_KEY, value: 'Hello Kafka', partition, headers: { [DOCTOR_HEADER]: '1' } }],
      }),
    );
    const offset = Number(sent?.baseOffset ?? sent?.offset ?? NaN);
    if (!Number.isInteger(offset)) throw new UnavailableError('Kafka', `no offset in the produce reply ${inspect(sent)}`);
    print(`Message sent: ${inspect({ [topic]: { [String(partition)]: offset } }, { breakLength: Infinity })}`);

    await within('Kafka', remaining(deadline), 'connecting the consumer', consumer.connect());
    await within('Kafka', remaining(deadline), `subscribing to ${topic}`, consumer.subscribe({ topic, fromBeginning: false }));
    const received = new Promise<ReceivedMessage>((resolve) => {
      void consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (batch.partition !== partition) return;
            for (const m of batch.messages) {
              if (Number(m.offset) === offset) {
                resolve({
                  topic: batch.topic,
                  value: m.value?.toString('utf8') ?? '',
                  offset,
                  partition: batch.partition,
                  highWaterOffset: Number(batch.highWatermark),
                  key: m.key?.toString('utf8') ?? null,
                });
              }
            }
          },
        })
        .catch(() => undefined);
    });
    joined = true;
    consumer.seek({ topic, partition, offset: String(offset) });
    const message = await within('Kafka', remaining(deadline), `reading offset ${offset} of ${topic}/${partition} back`, received);
    if (message.value !== 'Hello Kafka') {
      throw new UnavailableError('Kafka', `read back ${inspect(message.value)} instead of 'Hello Kafka'`);
    }
    print(`Received message: ${inspect(message, { breakLength: Infinity })}`);
    return message;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    if (joined) await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
