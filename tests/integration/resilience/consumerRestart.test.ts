// A crashed Kafka consumer comes back by itself: when kafkajs says it restarts (a retriable error
// after its retries), it does; when it says it does not (a non-retriable error), the consumer
// starts again itself, with backoff. Its status shows `restarting` meanwhile, and the batch that
// crashed it is delivered again (its offsets were never committed). Real Kafka; the crash comes
// from the batch handler, the way a scoring failure would.
import { Kafka, logLevel } from 'kafkajs';
import type { ViewEnvelope } from '../../../src/events/envelope';
import { KafkaEventConsumer, KafkaPublisher } from '../../../src/log/kafkaLog';
import type { ConsumerStatus } from '../../../src/log/types';
import { sharedAdmin, withAdmin } from '../../../src/log/kafkaAdmin';
import { ensureTopics } from '../../../src/streams/topics';
import { eventually, realStackEnv } from '../../helpers/gateway';

jest.setTimeout(90_000);

const view = (eventId: string): ViewEnvelope => {
  const at = new Date().toISOString();
  return { v: 1, type: 'view', eventId, userId: 'u-restart', productId: 'p1', sessionId: null, occurredAt: at, receivedAt: at };
};

/** An error as a scoring failure raises it; `retriable` is what kafkajs decides on. */
class HandlerFailure extends Error {
  constructor(readonly retriable: boolean) {
    super(`scoring failed (${retriable ? 'retriable' : 'not retriable'})`);
  }
}

async function crashOnce(retriable: boolean) {
  const env = realStackEnv();
  const kafka = new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  await withAdmin(kafka, (admin) => ensureTopics(admin, env.KAFKA_TOPIC_PREFIX!, 3));
  const publisher = new KafkaPublisher({ kafka, topicPrefix: env.KAFKA_TOPIC_PREFIX!, timeoutMs: 10_000 });
  await publisher.publish(view('e-1'));

  const states: ConsumerStatus['state'][] = [];
  const crashes: boolean[] = [];
  const delivered: string[] = [];
  let failNext = true;
  const admin = sharedAdmin(kafka.admin());
  const consumer = new KafkaEventConsumer({
    kafka,
    admin,
    groupId: env.KAFKA_GROUP_ID!,
    topicPrefix: env.KAFKA_TOPIC_PREFIX!,
    retries: 0, // kafkajs gives up on the first failure: the crash comes at once
    backoff: { initialMs: 200, maxMs: 1_000 },
    onStatus: (s) => states.push(s.state),
    onCrash: (_err, restart) => crashes.push(restart),
  });
  try {
    await consumer.start(async (batch) => {
      if (failNext) {
        failNext = false;
        throw new HandlerFailure(retriable);
      }
      delivered.push(...batch.records.map((r) => r.event.eventId));
    });
    await eventually(
      async () => delivered,
      (d) => d.includes('e-1'),
      60_000,
      50,
    );
    await eventually(
      async () => consumer.status().state,
      (s) => s === 'running',
      30_000,
      50,
    );
    // Still consuming after the restart: a new event arrives too.
    await publisher.publish(view('e-2'));
    await eventually(
      async () => delivered,
      (d) => d.includes('e-2'),
      30_000,
      50,
    );
    return { states, crashes, status: consumer.status() };
  } finally {
    await consumer.stop();
    await publisher.stop();
    await admin.disconnect();
  }
}

describe('a crashed Kafka consumer', () => {
  test('restarts by itself with backoff when kafkajs does not (non-retriable error); status shows restarting meanwhile; the batch comes again', async () => {
    const { states, crashes, status } = await crashOnce(false);
    expect(crashes).toEqual([false]); // kafkajs said it would not restart
    expect(states).toContain('restarting');
    expect(states.indexOf('running', states.indexOf('restarting'))).toBeGreaterThan(states.indexOf('restarting'));
    expect(status).toMatchObject({ state: 'running', restarts: 1 });
    expect(status.lastError).toContain('scoring failed');
  });

  test("honours kafkajs' restart when it restarts by itself (retriable error after its retries); status shows restarting meanwhile", async () => {
    const { states, crashes, status } = await crashOnce(true);
    expect(crashes).toEqual([true]);
    expect(states.indexOf('running', states.indexOf('restarting'))).toBeGreaterThan(states.indexOf('restarting'));
    expect(status).toMatchObject({ state: 'running', restarts: 1 });
  });
});
