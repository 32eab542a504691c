// Kafka helpers for the bench: pre-fill a topic set with envelopes (keyed by user, like the
// gateway), and follow a consumer group's lag until it reaches zero.
import { Kafka, logLevel, Partitioners, type Admin } from 'kafkajs';
import { encodeEnvelope, TOPIC_OF, type EventEnvelope } from '../../src/events/envelope';
import { withAdmin } from '../../src/log/kafkaAdmin';
import { ensureTopics } from '../../src/streams/topics';
import { sleep } from './stats';

export function benchKafka(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.ERROR, retry: { retries: 5 } });
}

export const topicsOf = (prefix: string) => Object.values(TOPIC_OF).map((t) => prefix + t);

export async function prefill(
  kafka: Kafka,
  prefix: string,
  partitions: number,
  events: readonly EventEnvelope[],
  progress: (sent: number) => void,
): Promise<void> {
  await withAdmin(kafka, (admin) => ensureTopics(admin, prefix, partitions));
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const chunk = 5000;
    for (let i = 0; i < events.length; i += chunk) {
      const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
      for (const e of events.slice(i, i + chunk)) {
        const topic = prefix + TOPIC_OF[e.type];
        let list = byTopic.get(topic);
        if (!list) byTopic.set(topic, (list = []));
        list.push({ key: e.userId, value: encodeEnvelope(e), headers: { 'event-id': e.eventId } });
      }
      await producer.sendBatch({ acks: 1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      progress(Math.min(events.length, i + chunk));
    }
  } finally {
    await producer.disconnect();
  }
}

/** High watermarks of the topics, summed. */
export async function endOffsets(admin: Admin, topics: string[]): Promise<number> {
  let total = 0;
  for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high);
  return total;
}

/** Messages the group has committed, summed over the topics' partitions. */
export async function committed(admin: Admin, groupId: string, topics: string[]): Promise<number> {
  let total = 0;
  for (const t of await admin.fetchOffsets({ groupId, topics })) {
    for (const p of t.partitions) total += Math.max(0, Number(p.offset));
  }
  return total;
}

export interface DrainResult {
  /** [seconds since start, lag] samples. */
  lag: [number, number][];
  /** Seconds from start to lag 0 (NaN when it did not get there in time). */
  secondsToZero: number;
  /** Events/s between the first progress seen and lag 0 (excludes joining the group). */
  steadyRate: number;
}

/** Polls the group's lag every `everyMs` until it is 0 or `timeoutMs` passed. */
export async function followLag(
  admin: Admin,
  groupId: string,
  topics: string[],
  total: number,
  timeoutMs: number,
  progress: (lag: number, s: number) => void,
  everyMs = 200,
): Promise<DrainResult> {
  const started = performance.now();
  const lag: [number, number][] = [];
  let first: { s: number; done: number } | null = null;
  while (performance.now() - started < timeoutMs) {
    const done = await committed(admin, groupId, topics);
    const s = (performance.now() - started) / 1000;
    lag.push([s, total - done]);
    progress(total - done, s);
    if (done > 0 && !first) first = { s, done };
    if (done >= total) {
      const steadyRate = first && s > first.s ? (total - first.done) / (s - first.s) : total / s;
      return { lag, secondsToZero: s, steadyRate };
    }
    await sleep(everyMs);
  }
  return { lag, secondsToZero: NaN, steadyRate: NaN };
}

/** Waits until the group is Stable with `members` members (every member assigned); false on timeout. */
export async function waitForMembers(admin: Admin, groupId: string, members: number, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (group && group.state === 'Stable' && group.members.length === members) return true;
    await sleep(everyMs);
  }
  return false;
}
