import { Kafka, logLevel } from 'kafkajs';
import type { ViewEnvelope } from '../../../src/events/envelope';
import { KafkaPublisher } from '../../../src/log/kafkaLog';
import { ensureTopics } from '../../../src/streams/topics';
import { realStackEnv } from '../../helpers/gateway';

jest.setTimeout(60_000);

const view = (i: number): ViewEnvelope => {
  const at = new Date().toISOString();
  return { v: 1, type: 'view', eventId: `e${i}`, userId: `u${i % 7}`, productId: `p${i}`, sessionId: null, occurredAt: at, receivedAt: at };
};

describe('the Kafka publisher', () => {
  test('an idle publisher sends at once; under load concurrent events share produce requests', async () => {
    const env = realStackEnv();
    const kafka = new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    await ensureTopics(kafka, env.KAFKA_TOPIC_PREFIX!, 3);
    const batches: number[] = [];
    const publisher = new KafkaPublisher({ kafka, topicPrefix: env.KAFKA_TOPIC_PREFIX!, timeoutMs: 10_000, onBatch: (size) => batches.push(size) });
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
