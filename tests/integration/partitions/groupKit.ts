// Helpers for tests with several gateway processes in one consumer group: the group as Kafka
// describes it (members and their decoded assignments), a gateway's metric read from /metrics,
// and a track mutation drawn up front so it can be re-sent unchanged to another gateway.
import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs';
import type { Env } from '../../../src/config';
import { TOPIC_OF } from '../../../src/events/envelope';
import { eventually, OPS } from '../../helpers/gateway';
import { CATALOG } from '../replay/replayKit';

export interface GroupView {
  state: string;
  protocol: string;
  /** Per member: topic -> partitions. */
  members: Record<string, number[]>[];
}

export function groupAdmin(env: Env): Admin {
  return new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
}

export async function describeGroup(admin: Admin, groupId: string): Promise<GroupView> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0]!;
  return {
    state: g.state,
    protocol: g.protocol,
    members: g.members.map((m) => (m.memberAssignment.length > 0 ? (AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}) : {})),
  };
}

/**
 * Waits until the group is stable with `count` members that hold every partition, and returns it.
 * Also returns whether each member holds the same partition numbers of all three topics.
 */
export async function stableGroup(admin: Admin, env: Env, count: number, partitions: number, ms = 60_000) {
  const topics = Object.values(TOPIC_OF).map((t) => env.KAFKA_TOPIC_PREFIX + t);
  const view = await eventually(
    () => describeGroup(admin, env.KAFKA_GROUP_ID!),
    (g) => g.state === 'Stable' && g.members.length === count && g.members.flatMap((m) => m[topics[0]!] ?? []).length === partitions,
    ms,
    200,
  );
  const coPartitioned = view.members.every((m) => topics.every((t) => JSON.stringify(m[t] ?? []) === JSON.stringify(m[topics[0]!] ?? [])));
  return { view, coPartitioned, numbers: view.members.map((m) => m[topics[0]!] ?? []) };
}

/** A counter or gauge from a gateway's /metrics (summed over its labels); null when it does not answer. */
export async function metricOf(graphqlUrl: string, name: string): Promise<number | null> {
  try {
    const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'), { signal: AbortSignal.timeout(3_000) })).text();
    let sum = 0;
    for (const line of text.split('\n')) if (line.startsWith(name + ' ') || line.startsWith(name + '{')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    return sum;
  } catch {
    return null;
  }
}

export interface Drawn {
  eventId: string;
  field: 'trackView' | 'trackAddToCart' | 'trackPurchase';
  query: string;
  input: Record<string, unknown>;
}

/** One event of a random type (as replayKit's track draws them), fixed before it is sent. */
export function drawEvent(userId: string, random: () => number, eventId: string): Drawn {
  const product = CATALOG[Math.floor(random() * CATALOG.length)]!.id;
  const r = random();
  if (r < 0.75) return { eventId, field: 'trackView', query: OPS.trackView, input: { userId, productId: product, eventId } };
  if (r < 0.9) return { eventId, field: 'trackAddToCart', query: OPS.trackAddToCart, input: { userId, productId: product, quantity: 1, eventId } };
  const next = CATALOG[(Number(product.slice(1)) + 1) % CATALOG.length]!.id;
  return {
    eventId,
    field: 'trackPurchase',
    query: OPS.trackPurchase,
    input: {
      userId,
      orderId: `o-${eventId}`,
      items: [
        { productId: product, quantity: 1, price: 10 },
        { productId: next, quantity: 1, price: 11 },
      ],
      eventId,
    },
  };
}

/** Sends the event to a gateway; true only when it answered accepted (a dead or stopped one: false within `ms`). */
export async function sendTo(url: string, event: Drawn, ms = 4_000): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: event.query, variables: { input: event.input } }),
      signal: AbortSignal.timeout(ms),
    });
    const body = (await res.json()) as { data?: Record<string, { accepted?: boolean }> };
    return body.data?.[event.field]?.accepted === true;
  } catch {
    return false;
  }
}
