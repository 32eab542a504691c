// The accounting of a fault case, from eventIds only (nothing the gateway counts itself):
//   in Kafka: the case's topics read back from the beginning, per eventId;
//   scored:   per event, its own category's trending score in Redis divided by what one view
//             adds to it: weight × 2^(t/H - e) in the set's decay frame e (src/recommend/decay.ts),
//             with t the time it was sent (the event's occurredAt is taken then: within
//             milliseconds, against a half-life of hours). Each event has its own product and
//             category, so 1 event gives 1, 2 give 2.
import Redis from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { TOPIC_OF } from '../../../src/events/envelope';
import { defaultFlags } from '../../../src/flags/definitions';
import { redisKeys } from '../../../src/store/redisKeys';
import { readEventIds } from '../../helpers/kafkaRead';
import { categoryOf, productOf, type Outcome } from './load';
import { faultStackEnv } from './stack';

export interface CaseNamespace {
  runId: string;
  topicPrefix: string;
  keyPrefix: string;
  groupId: string;
}

export const caseTopics = (ns: CaseNamespace) => Object.values(TOPIC_OF).map((t) => ns.topicPrefix + t);

export function faultKafka(): Kafka {
  return new Kafka({ clientId: 'fault-suite', brokers: faultStackEnv.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, retry: { retries: 8 } });
}

/** Messages behind the group's committed offsets, over the case's topics. */
export async function lag(admin: Admin, ns: CaseNamespace): Promise<number> {
  const topics = caseTopics(ns);
  const committed = await admin.fetchOffsets({ groupId: ns.groupId, topics });
  let total = 0;
  for (const { topic, partitions } of committed) {
    const ends = await admin.fetchTopicOffsets(topic);
    for (const end of ends) {
      const at = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
      total += Number(end.high) - (at < 0 ? Number(end.low) : at);
    }
  }
  return total;
}

export async function waitScored(ns: CaseNamespace, timeoutMs: number): Promise<void> {
  const admin = faultKafka().admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let behind = await lag(admin, ns);
    while (behind > 0) {
      if (Date.now() > deadline) throw new Error(`scoring still ${behind} messages behind after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 500));
      behind = await lag(admin, ns);
    }
  } finally {
    await admin.disconnect();
  }
}

export interface Tally {
  acked: number;
  ackedInKafka: number;
  ackedScored: number;
  lost: string[];
  /** Events scored more than once (any event, acknowledged or not). */
  duplicated: string[];
  /** Refused as "not written" yet found in Kafka: a refusal that lied. */
  refusedButStored: string[];
  unknown: number;
  line: string;
}

/** `keyPrefix`: where the scores are read (the case's own prefix, or one a replay rebuilt). */
export async function account(name: string, ns: CaseNamespace, outcomes: Outcome[], keyPrefix = ns.keyPrefix): Promise<Tally> {
  const inKafka = await readEventIds(faultKafka(), caseTopics(ns), 120_000);
  const redis = new Redis(faultStackEnv.REDIS_URL);
  const keys = redisKeys(keyPrefix);
  const weight = defaultFlags()['weights.view'];
  const scored = new Map<string, number>();
  try {
    const pipeline = redis.pipeline();
    for (const o of outcomes) {
      pipeline.zscore(keys.trending(categoryOf(o.n)), productOf(o.n));
      pipeline.hget(keys.trendingWatermark, `frame:${keys.trending(categoryOf(o.n))}`);
    }
    const replies = (await pipeline.exec()) ?? [];
    outcomes.forEach((o, i) => {
      const score = replies[2 * i]?.[1];
      const frame = replies[2 * i + 1]?.[1];
      if (score === null || score === undefined || typeof frame !== 'string') return;
      const [epoch, halfLifeHours] = frame.split(':').map(Number) as [number, number];
      const one = weight * 2 ** (o.sentAt / (halfLifeHours * 3_600_000) - epoch);
      scored.set(o.eventId, Math.round(Number(score) / one));
    });
  } finally {
    redis.disconnect();
  }
  const acked = outcomes.filter((o) => o.result === 'acked');
  const lost = acked.filter((o) => !inKafka.has(o.eventId) || !scored.get(o.eventId)).map((o) => o.eventId);
  const duplicated = [...scored].filter(([, times]) => times > 1).map(([id]) => id);
  const refusedButStored = outcomes.filter((o) => o.result === 'not-written' && inKafka.has(o.eventId)).map((o) => o.eventId);
  const ackedInKafka = acked.filter((o) => inKafka.has(o.eventId)).length;
  const ackedScored = acked.filter((o) => (scored.get(o.eventId) ?? 0) > 0).length;
  return {
    acked: acked.length,
    ackedInKafka,
    ackedScored,
    lost,
    duplicated,
    refusedButStored,
    unknown: outcomes.filter((o) => o.result === 'unknown').length,
    line: `fault: ${name} acked ${acked.length}, in Kafka ${ackedInKafka}, scored ${ackedScored}, lost ${lost.length}, duplicated ${duplicated.length}`,
  };
}
