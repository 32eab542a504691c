// Reads topics back from Kafka, from the beginning up to the high watermarks of the moment, and
// counts each eventId (the `event-id` header the publisher stamps). What a test calls "in Kafka".
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Env } from '../../src/config';
import { TOPIC_OF } from '../../src/events/envelope';

export interface ReadEvent {
  topic: string;
  partition: number;
  offset: bigint;
  eventId: string;
}

export async function readEventIds(kafka: Kafka, topics: string[], timeoutMs = 60_000): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { eventId } of await readEvents(kafka, topics, timeoutMs)) counts.set(eventId, (counts.get(eventId) ?? 0) + 1);
  return counts;
}

/** Every message's eventId, in offset order per partition. */
export async function readEvents(kafka: Kafka, topics: string[], timeoutMs = 60_000): Promise<ReadEvent[]> {
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>(); // "topic/partition" -> last offset to read
  try {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) remaining.set(`${topic}/${p.partition}`, BigInt(p.high) - 1n);
      }
    }
  } finally {
    await admin.disconnect();
  }
  const events: ReadEvent[] = [];
  if (remaining.size === 0) return events;
  const consumer = kafka.consumer({ groupId: `read-back-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read-back incomplete after ${timeoutMs} ms: ${[...remaining.keys()].join(', ')} not read to the end`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            const id = message.headers?.['event-id']?.toString();
            if (id) events.push({ topic, partition, offset: BigInt(message.offset), eventId: id });
            const key = `${topic}/${partition}`;
            const last = remaining.get(key);
            if (last !== undefined && BigInt(message.offset) >= last) remaining.delete(key);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return events;
}

/** How many events a real-stack namespace's three topics hold (what the live-loop contract's loggedEvents asks). */
export async function loggedEventCount(env: Env): Promise<number> {
  const admin = new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of Object.values(TOPIC_OF)) {
      for (const p of await admin.fetchTopicOffsets(env.KAFKA_TOPIC_PREFIX + topic)) total += Number(p.high) - Number(p.low);
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}
