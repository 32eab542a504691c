// Creates the three event topics when they are missing (the stack script does too; a gateway
// pointed at a fresh cluster should not depend on it).
import type { Kafka } from 'kafkajs';
import { TOPICS } from '../config';

export async function ensureTopics(kafka: Kafka, prefix: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const brokers = (await admin.describeCluster()).brokers.length;
    const missing = Object.values(TOPICS)
      .map((t) => prefix + t)
      .filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: Math.min(3, brokers) })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
