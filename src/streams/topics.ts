// Creates the three event topics and the dead-letter topic when they are missing (the stack script
// creates the event topics too; a gateway pointed at a fresh cluster should not depend on it).
import type { Kafka } from 'kafkajs';
import { DEAD_LETTER_TOPIC, TOPICS } from '../config';

export async function ensureTopics(kafka: Kafka, prefix: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const brokers = (await admin.describeCluster()).brokers.length;
    const wanted = [
      ...Object.values(TOPICS).map((t) => ({ topic: prefix + t, numPartitions: partitions })),
      // Rare and read by people: one partition keeps the letters in the order they were set aside.
      { topic: prefix + DEAD_LETTER_TOPIC, numPartitions: 1 },
    ];
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({ ...t, replicationFactor: Math.min(3, brokers) })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
