// Creates the three event topics and the dead-letter topic when they are missing (the stack script
// creates the event topics too; a gateway pointed at a fresh cluster should not depend on it). The
// event topics keep every event (retention.ms -1, unless KAFKA_RETENTION_MS says otherwise): Redis is
// rebuilt from them (npm run replay), which a finite retention would make impossible for whatever
// has expired.
import { ConfigResourceTypes } from 'kafkajs';
import { DEAD_LETTER_TOPIC, TOPICS } from '../config';
import type { KafkaAdmin } from '../log/kafkaAdmin';

/** Kafka's "keep forever". */
export const KEEP_FOREVER = -1;

export interface TopicOptions {
  /** retention.ms of topics this creates (-1 = keep every event). */
  retentionMs?: number;
}

/**
 * Returns one warning per existing topic whose retention differs from the configured one: the
 * gateway does not change a topic it did not create (an operator's `kafka-configs --alter` does).
 */
export async function ensureTopics(shared: KafkaAdmin, prefix: string, partitions: number, options: TopicOptions = {}): Promise<string[]> {
  const retentionMs = options.retentionMs ?? KEEP_FOREVER;
  return shared.use(async (admin) => {
    const existing = new Set(await admin.listTopics());
    const brokers = (await admin.describeCluster()).brokers.length;
    const names = Object.values(TOPICS).map((t) => prefix + t);
    const retention = [{ name: 'retention.ms', value: String(retentionMs) }];
    const wanted = [
      ...names.map((topic) => ({ topic, numPartitions: partitions, configEntries: retention })),
      // Rare and read by people: one partition keeps the letters in the order they were set aside.
      { topic: prefix + DEAD_LETTER_TOPIC, numPartitions: 1, configEntries: retention },
    ];
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({ ...t, replicationFactor: Math.min(3, brokers) })),
      });
    }
    const present = names.filter((t) => existing.has(t));
    if (present.length === 0) return [];
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] })),
    });
    const warnings: string[] = [];
    for (const r of described.resources) {
      const value = Number(r.configEntries.find((e) => e.configName === 'retention.ms')?.configValue);
      if (value !== retentionMs) {
        warnings.push(
          `topic ${r.resourceName} keeps events for retention.ms=${value}, not ${retentionMs}: a replay cannot rebuild what has expired (kafka-configs --alter --entity-type topics --entity-name ${r.resourceName} --add-config retention.ms=${retentionMs})`,
        );
      }
    }
    return warnings;
  });
}
