import { Kafka, logLevel } from 'kafkajs';
import type { ViewEnvelope } from '../../../src/events/envelope';
import { KafkaPublisher } from '../../../src/log/kafkaLog';
import { withAdmin } from '../../../src/log/kafkaAdmin';
import { ensureTopics } from '../../../src/streams/topics';
import { eventually, realStackEnv } from '../../helpers/gateway';
import { readEventIds, readEvents } from '../../helpers/kafkaRead';
import { RecsysError, UnavailableError, UncertainWriteError } from '../../../src/errors';

jest.setTimeout(60_000);

const view = (i: number): ViewEnvelope => {
  const at = new Date().toISOString();
  return { v: 1, type: 'view', eventId: `e${i}`, userId: `u${i % 7}`, productId: `p${i}`, sessionId: null, occurredAt: at, receivedAt: at };
};

/** A publisher on the real stack with its own topics; `batches` collects each request's size. */
async function setup(timeoutMs: number) {
  const env = realStackEnv();
  const kafka = new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  await withAdmin(kafka, (admin) => ensureTopics(admin, env.KAFKA_TOPIC_PREFIX!, 3));
  const batches: number[] = [];
  const publisher = new KafkaPublisher({ kafka, topicPrefix: env.KAFKA_TOPIC_PREFIX!, timeoutMs, onBatch: (size) => batches.push(size) });
  return { kafka, topic: `${env.KAFKA_TOPIC_PREFIX!}view-events`, publisher, batches };
}

describe('the Kafka publisher', () => {
  test('an idle publisher sends at once; under load concurrent events share produce requests', async () => {
    const { publisher, batches } = await setup(10_000);
    try {
      await publisher.publish(view(0));
      expect(batches).toEqual([1]); // nothing waited for company

      await Promise.all(Array.from({ length: 500 }, (_, i) => publisher.publish(view(i + 1))));
      const underLoad = batches.slice(1);
      expect(underLoad.reduce((a, b) => a + b, 0)).toBe(500);
      expect(underLoad.length).toBeLessThan(50); // hundreds of events, a handful of requests
    } finally {
      await publisher.stop();
    }
  });
});

describe('the Kafka publisher and one shopper', () => {
  test("one request carries at most 32 of a shopper's events, and their events reach the partition in the order they were published", async () => {
    const { kafka, topic, publisher, batches } = await setup(10_000);
    try {
      // A retried request may store its events twice; scoring recognises a copy among the shopper's
      // last 64 learned ids, so no request may hold more than half of that for one shopper.
      await Promise.all(Array.from({ length: 100 }, (_, i) => publisher.publish({ ...view(i), userId: 'one-shopper' })));
      expect(batches.reduce((a, b) => a + b, 0)).toBe(100);
      expect(Math.max(...batches)).toBeLessThanOrEqual(32);
      const read = await readEvents(kafka, [topic]);
      expect(read.map((e) => e.eventId)).toEqual(Array.from({ length: 100 }, (_, i) => `e${i}`));
    } finally {
      await publisher.stop();
    }
  });
});

describe('the Kafka publisher under its produce timeout', () => {
  const refusal = (p: Promise<void>) =>
    p.then(
      () => null,
      (err: unknown) => err as RecsysError,
    );

  test('an event whose request was sent but not acknowledged in time is refused as "not known to be written", and may well be stored', async () => {
    // 1 ms: the request leaves at once (an idle publisher sends without waiting) and cannot be answered that fast.
    const { kafka, topic, publisher } = await setup(1);
    try {
      // On a loaded machine the one attempt a 1 ms deadline allows can fail before it reaches the
      // broker (connecting): such an event is refused the same way and is not stored. So up to five
      // events, each refused as "not known to be written", until one of them is found in Kafka.
      let stored: string | null = null;
      for (let i = 1; i <= 5 && stored === null; i++) {
        const err = await refusal(publisher.publish(view(i)));
        expect(err).toBeInstanceOf(UncertainWriteError);
        expect(err!.code).toBe('UNAVAILABLE');
        expect(err!.extensions).toMatchObject({ dependency: 'kafka', written: 'unknown' });
        expect(err!.message).toMatch(/not known to be written .*a retry with the same eventId counts once/);
        // The request went on and Kafka stored it: "refused" alone would have been a lie.
        const ids = await eventually(
          () => readEventIds(kafka, [topic]),
          (m) => m.has(`e${i}`),
          10_000,
          200,
        ).catch(() => null);
        if (ids) {
          expect(ids.get(`e${i}`)).toBe(1);
          stored = `e${i}`;
        }
      }
      expect(stored).not.toBeNull();
    } finally {
      await publisher.stop();
    }
  });

  test('an event still queued behind a request at its deadline is refused as not written and never reaches Kafka', async () => {
    const { kafka, topic, publisher } = await setup(1);
    try {
      // Same user, same partition: e2 waits behind e1's request and its 1 ms pass while it waits.
      const [first, second] = await Promise.all([
        refusal(publisher.publish({ ...view(1), userId: 'same' })),
        refusal(publisher.publish({ ...view(2), userId: 'same' })),
      ]);
      expect(first).toBeInstanceOf(UncertainWriteError);
      expect(second).toBeInstanceOf(UnavailableError);
      expect(second).not.toBeInstanceOf(UncertainWriteError);
      expect(second!.message).toMatch(/kafka unavailable: not written: no acknowledgement within 1 ms/);
      // A later event on the same partition is stored; requests leave in order, so e2, had it been
      // sent, would lie before it.
      await eventually(
        () => readEventIds(kafka, [topic]),
        (m) => m.has('e1'),
        30_000,
        200,
      );
      await refusal(publisher.publish({ ...view(3), userId: 'same' }));
      const ids = await eventually(
        () => readEventIds(kafka, [topic]),
        (m) => m.has('e3'),
        30_000,
        200,
      );
      expect([...ids.keys()].sort()).toEqual(['e1', 'e3']);
    } finally {
      await publisher.stop();
    }
  });
});
