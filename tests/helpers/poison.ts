// Poison cases, written so that the fault suite can run them under load as well as the jest test:
// each injects one piece of poison through a real part (a malformed message into Kafka, a corrupt
// user state into Redis), tracks events after it through the gateway's public API, and reports what
// the dead-letter topic holds and which of the events after the poison were scored. Counts come
// from eventIds and from Kafka/Redis, not from counters the code under test keeps.
import Redis from 'ioredis';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import type { Env } from '../../src/config';
import { TOPIC_OF } from '../../src/events/envelope';
import { DEAD_LETTER_HEADERS, deadLetterTopic } from '../../src/log/deadLetters';
import { redisKeys } from '../../src/store/redisKeys';
import { decodeUserState } from '../../src/store/userStateCodec';
import { OPS, eventually, gql } from './gateway';

export interface Letter {
  key: string | null;
  value: string | null;
  kind: string;
  reason: string;
  topic: string;
  partition: number;
  offset: number;
}

export interface PoisonCaseResult {
  name: 'malformed-message' | 'corrupt-state';
  /** Where the poison was found: the partition and offset (malformed message) or the user (state). */
  injected: { topic: string; partition: number; offset: number } | { userId: string };
  /** eventIds the gateway answered accepted: true after the poison, and those found scored. */
  acked: string[];
  scored: string[];
}

const kafkaOf = (env: Env) => new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
const id = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

/** Writes `value` as-is to `topic` with the key the gateway would use (userId); returns where it landed. */
export async function injectMessage(env: Env, topic: string, key: string, value: Buffer): Promise<{ topic: string; partition: number; offset: number }> {
  const producer = kafkaOf(env).producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const [meta] = await producer.send({ topic, acks: -1, messages: [{ key, value }] });
    return { topic, partition: meta!.partition, offset: Number(meta!.baseOffset) };
  } finally {
    await producer.disconnect();
  }
}

/** Overwrites a user's stored state with `text` (what a bad write or a hand edit leaves). */
export async function corruptUserState(env: Env, userId: string, text: string): Promise<void> {
  const redis = new Redis(env.REDIS_URL!);
  try {
    await redis.set(redisKeys(env.REDIS_KEY_PREFIX!).userState(userId), text);
  } finally {
    await redis.quit();
  }
}

/** The eventIds the user's stored state has learned (null while it does not decode). */
export async function learnedEventIds(env: Env, userId: string): Promise<string[] | null> {
  const redis = new Redis(env.REDIS_URL!);
  try {
    const raw = await redis.get(redisKeys(env.REDIS_KEY_PREFIX!).userState(userId));
    if (raw === null) return [];
    const decoded = decodeUserState(raw);
    return 'state' in decoded ? decoded.state.seen : null;
  } finally {
    await redis.quit();
  }
}

/** Everything on the dead-letter topic, from its first offset to its high watermark at the time of asking. */
export async function readDeadLetters(env: Env, timeoutMs = 20_000): Promise<Letter[]> {
  const kafka = kafkaOf(env);
  const topic = deadLetterTopic(env.KAFKA_TOPIC_PREFIX!);
  const admin = kafka.admin();
  await admin.connect();
  let expected = 0;
  try {
    expected = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + (Number(p.high) - Number(p.low)), 0);
  } finally {
    await admin.disconnect();
  }
  if (expected === 0) return [];
  const letters: Letter[] = [];
  const groupId = id(`${env.KAFKA_GROUP_ID}-dlq-reader`);
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const h = (name: string) => message.headers?.[name]?.toString() ?? '';
        letters.push({
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          kind: h(DEAD_LETTER_HEADERS.kind),
          reason: h(DEAD_LETTER_HEADERS.reason),
          topic: h(DEAD_LETTER_HEADERS.topic),
          partition: Number(h(DEAD_LETTER_HEADERS.partition)),
          offset: Number(h(DEAD_LETTER_HEADERS.offset)),
        });
        if (letters.length >= expected) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      all,
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`read ${letters.length} of ${expected} dead letters within ${timeoutMs} ms`)), timeoutMs)),
      ),
    ]);
    clearTimeout(timer);
  } finally {
    await consumer.disconnect();
    const cleanup = kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([groupId]).catch(() => undefined);
    await cleanup.disconnect();
  }
  return letters;
}

async function trackAfter(url: string, userId: string, count: number): Promise<string[]> {
  const acked: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await gql(url, OPS.trackView, { input: { userId, productId: `p-after-${i}` } });
    if (res.data?.trackView.accepted) acked.push(res.data.trackView.eventId as string);
  }
  return acked;
}

async function waitScored(env: Env, userId: string, acked: string[], timeoutMs: number): Promise<string[]> {
  const seen = await eventually(
    () => learnedEventIds(env, userId),
    (ids) => ids !== null && acked.every((e) => ids.includes(e)),
    timeoutMs,
    100,
  ).catch(() => learnedEventIds(env, userId));
  return acked.filter((e) => (seen ?? []).includes(e));
}

/** A message on the view topic that is not an event envelope, then `count` events for the same user (same partition). */
export async function malformedMessageCase(env: Env, url: string, count = 5, timeoutMs = 30_000): Promise<PoisonCaseResult> {
  const userId = id('u-poison-msg');
  const injected = await injectMessage(env, env.KAFKA_TOPIC_PREFIX! + TOPIC_OF.view, userId, Buffer.from('{"this is": not an envelope'));
  const acked = await trackAfter(url, userId, count);
  return { name: 'malformed-message', injected, acked, scored: await waitScored(env, userId, acked, timeoutMs) };
}

/** A stored user state that no longer decodes, then `count` events for that user. */
export async function corruptStateCase(env: Env, url: string, count = 5, timeoutMs = 30_000): Promise<PoisonCaseResult> {
  const userId = id('u-poison-state');
  await corruptUserState(env, userId, CORRUPT_STATE_TEXT);
  const acked = await trackAfter(url, userId, count);
  return { name: 'corrupt-state', injected: { userId }, acked, scored: await waitScored(env, userId, acked, timeoutMs) };
}

export const CORRUPT_STATE_TEXT = '{"recent":"truncated by a bad write';
