// Rebuilds a Redis prefix from the event topics with the gateway's own scorer (src/streams/scorer.ts):
// statistics, user states and stale marks (each list is recomputed at its next read). A bounded
// run: from --from to the topics' ends when it started. Its consumer group is the checkpoint: the
// same command after a kill resumes from the group's committed offsets (re-scoring a few events,
// which scoring absorbs by eventId and per-partition position); a gateway started with that group
// and prefix continues where the replay stopped.
import type { Kafka } from 'kafkajs';
import { TOPICS } from '../config';
import { decodeEnvelope } from '../events/envelope';
import { isDoctorMessage } from '../log/doctorMarker';
import type { RecFlags } from '../flags/definitions';
import { RANKING } from '../recommend';
import { Recommender } from '../recommender/recommender';
import { RedisStore } from '../store/redisStore';
import { scanEach, type RedisClient } from '../store/redisClient';
import { MemoryDeadLetters } from '../log/deadLetters';
import { createScorer, type ScoredRecord } from '../streams/scorer';
import { PartitionMerge, type Released } from './merge';

export interface ReplayOptions {
  kafka: Kafka;
  redis: RedisClient;
  topicPrefix: string;
  /** 'earliest' or a time (ms): where a new group starts. A group with committed offsets resumes instead. */
  from: 'earliest' | number;
  toPrefix: string;
  /** Products are copied from here when it differs from toPrefix. */
  sourcePrefix: string;
  groupId: string;
  flags: () => RecFlags;
  /** Events per second at most (0: no limit), to spare a Redis that is serving. */
  maxRate?: number;
  /** Events handed to the scorer at once. */
  chunk?: number;
  onStart?: (info: { total: number; resumed: boolean }) => void;
  onProgress?: (events: number) => void;
}

export interface ReplayResult {
  events: number;
  learned: number;
  duplicates: number;
  invalid: number;
  /** Stored user states in the target that did not decode (replaced by the replayed ones). */
  corruptStates: number;
  resumed: boolean;
  ms: number;
}

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

interface Position {
  topic: string;
  partition: number;
  start: number;
  end: number;
}

async function positions(kafka: Kafka, topics: string[], groupId: string, from: ReplayOptions['from']): Promise<{ list: Position[]; resumed: boolean }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) throw new ReplayError(`topics ${missing.join(', ')} do not exist (check KAFKA_TOPIC_PREFIX)`);
    const committed = new Map<string, number>();
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
      for (const p of partitions) if (Number(p.offset) >= 0) committed.set(`${topic}/${p.partition}`, Number(p.offset));
    }
    const resumed = committed.size > 0;
    const list: Position[] = [];
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const byTime = !resumed && from !== 'earliest' ? await admin.fetchTopicOffsetsByTimestamp(topic, from) : null;
      for (const p of ends) {
        const low = Number(p.low);
        const atTime = byTime?.find((t) => t.partition === p.partition);
        const start = committed.get(`${topic}/${p.partition}`) ?? (atTime && Number(atTime.offset) >= 0 ? Number(atTime.offset) : low);
        list.push({ topic, partition: p.partition, start: Math.max(start, low), end: Number(p.high) });
      }
    }
    const counts = new Set(topics.map((t) => list.filter((p) => p.topic === t).length));
    if (counts.size !== 1) throw new ReplayError(`topics ${topics.join(', ')} have different partition counts: a user's events cannot be merged by partition`);
    if (!resumed) {
      // The new group starts where asked (the consumer then fetches from these offsets).
      for (const topic of topics) {
        await admin.setOffsets({
          groupId,
          topic,
          partitions: list.filter((p) => p.topic === topic).map((p) => ({ partition: p.partition, offset: String(p.start) })),
        });
      }
    }
    return { list, resumed };
  } finally {
    await admin.disconnect();
  }
}

/** The target's products, from the source prefix (they are not in Kafka). Idempotent. */
async function seedTarget(redis: RedisClient, store: RedisStore, sourcePrefix: string, toPrefix: string): Promise<void> {
  if (sourcePrefix === toPrefix) return;
  const from = new RedisStore(redis, sourcePrefix);
  const infix = `${sourcePrefix}:{p:`;
  await scanEach(redis, `${infix}*}:info`, 1000, async (keys) => {
    const ids = keys.map((k) => k.slice(infix.length, -'}:info'.length));
    const products = (await from.getProducts(ids)).filter((p) => p !== null);
    await store.upsertProducts(products);
  });
}

export async function runReplay(options: ReplayOptions): Promise<ReplayResult> {
  const started = Date.now();
  const topics = Object.values(TOPICS).map((t) => options.topicPrefix + t);
  const store = new RedisStore(options.redis, options.toPrefix, { neighbourItems: RANKING.neighbourhood.itemsPerNeighbour });
  await seedTarget(options.redis, store, options.sourcePrefix, options.toPrefix);
  const { list, resumed } = await positions(options.kafka, topics, options.groupId, options.from);
  const total = list.reduce((n, p) => n + Math.max(0, p.end - p.start), 0);
  options.onStart?.({ total, resumed });

  // The live gateway already put malformed messages on the dead-letter topic; a corrupt state in the
  // target is overwritten by the replayed one. Neither is written again: they are counted.
  const deadLetters = new MemoryDeadLetters();
  const scorer = createScorer({ store, recommender: new Recommender({ store, flags: options.flags }), flags: options.flags, deadLetters });
  const merges = new Map<number, PartitionMerge>();
  for (const partition of new Set(list.map((p) => p.partition))) {
    merges.set(partition, new PartitionMerge(list.filter((p) => p.partition === partition).map(({ topic, start, end }) => ({ topic, start, end }))));
  }
  const released = new Map<string, number>(); // "topic/partition" -> last offset scored
  const result: ReplayResult = { events: 0, learned: 0, duplicates: 0, invalid: 0, corruptStates: 0, resumed, ms: 0 };
  const chunk = options.chunk ?? 1000;
  // --max-rate counts from the first event scored, not from start-up: joining the group can take
  // longer than the whole replay would at that rate.
  let rateFrom: number | null = null;
  let rated = 0;

  const score = async (messages: Released[], partition: number) => {
    for (let i = 0; i < messages.length; i += chunk) {
      const part = messages.slice(i, i + chunk);
      const records: ScoredRecord[] = [];
      for (const m of part) {
        if (m.event) records.push({ offset: m.offset, event: m.event, source: `${m.topic}/${partition}` });
        else result.invalid += 1;
      }
      const r = await scorer.scoreBatch(`${topics[0]}/${partition}`, records);
      result.learned += r.learned;
      result.duplicates += r.duplicates;
      result.corruptStates += r.corruptStates;
      result.events += part.length;
      for (const m of part) released.set(`${m.topic}/${partition}`, m.offset);
      options.onProgress?.(part.length);
      if (options.maxRate) {
        rateFrom ??= Date.now();
        rated += part.length;
        const due = rateFrom + (rated / options.maxRate) * 1000;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
    }
  };

  const everything = () => [...merges.values()].every((m) => m.finished());
  if (!everything()) {
    const consumer = options.kafka.consumer({ groupId: options.groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 100 });
    let finish!: () => void;
    let fail!: (err: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
    consumer.on(consumer.events.CRASH, (e) => fail(e.payload.error));
    await consumer.connect();
    try {
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        eachBatchAutoResolve: false,
        autoCommitInterval: 1_000,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (!isRunning() || isStale()) return;
          const merge = merges.get(batch.partition)!;
          merge.add(
            batch.topic,
            batch.messages.map((m) => {
              const decoded = isDoctorMessage(m.headers) ? { invalid: 'doctor probe' } : decodeEnvelope(m.value);
              const event = 'invalid' in decoded ? null : decoded;
              return { offset: Number(m.offset), receivedAt: event?.receivedAt ?? '', event };
            }),
          );
          await score(merge.release(), batch.partition);
          // Kafka fetches this partition again from its resolved offset: what is still buffered comes again.
          const last = released.get(`${batch.topic}/${batch.partition}`);
          if (last !== undefined && last >= Number(batch.firstOffset() ?? 0) - 1) resolveOffset(String(last));
          await heartbeat();
          if (merge.finished(batch.topic)) consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
          if (everything()) finish();
        },
      });
      await finished;
      // The checkpoint: every partition at the end it was replayed to.
      await consumer.commitOffsets(list.map((p) => ({ topic: p.topic, partition: p.partition, offset: String(Math.max(p.start, p.end)) })));
    } finally {
      await consumer.disconnect();
    }
  }
  result.ms = Date.now() - started;
  return result;
}
