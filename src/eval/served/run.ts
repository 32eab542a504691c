// `npm run eval -- --served`: replays a dataset in event-time order through a running gateway and
// scores the lists shoppers were served against the offline replay of the same events.
//
// Every session is a shopper (as offline). Before each trackEvents batch, the list of every shopper
// with an event in it (a test event of a session that already has one) is read with the
// `recommendations` query: what that shopper's screen showed just before the event. By default
// the next batch waits until the gateway has scored the previous one (its scored-events counter),
// the pace of a human shopper whose next click comes seconds after the last; `speed` instead paces
// batches by the data's own clock sped up, so lists can lag behind (what a faster shopper sees).
import { randomBytes } from 'node:crypto';
import { MetricAccumulator } from '../metrics';
import { comparePaired, renderPaired, type PairedComparison } from '../paired';
import { evaluateStream, planStream, type StreamPlan } from '../protocols/stream';
import type { Progress } from '../report/progress';
import type { EvalEvent, SessionRecommender } from '../types';
import type { ServedEventInput, ServedGateway } from './client';
import { moveEvents, servedBatches, servedTimeline } from './timeline';

export interface ServedOptions {
  k: number;
  testFraction: number;
  /** Events per trackEvents call (the gateway takes up to 500). */
  batchSize: number;
  /** null: wait until each batch is scored; otherwise data seconds per wall second. */
  speed: number | null;
  /** Lists read at once. */
  concurrency: number;
  /** Prefix of user and product ids, so a run never meets another's statistics. */
  runId?: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ServedReport {
  runId: string;
  compression: number;
  events: number;
  predictions: number;
  sessions: number;
  batches: number;
  accepted: number;
  refused: Record<string, number>;
  /** Lists read with fewer than K items. */
  shortLists: number;
  /** Predictions a served list hit and the offline one missed, and the reverse. */
  servedOnlyHits: number;
  offlineOnlyHits: number;
  /** Predictions whose served top-K differs from the offline one at all. */
  differentLists: number;
  offlineMethod: string;
  paired: PairedComparison;
  wallMs: number;
}

const TYPE = { view: 'VIEW', cart: 'ADD_TO_CART', purchase: 'PURCHASE' } as const;

function eventInput(e: EvalEvent, runId: string, seq: number): ServedEventInput {
  const common = {
    userId: `${runId}-${e.sessionId}`,
    sessionId: `${runId}-${e.sessionId}`,
    eventId: `${runId}-${seq}`,
    occurredAt: new Date(e.ts).toISOString(),
  };
  const productId = `${runId}-${e.itemId}`;
  if (e.type === 'purchase') return { type: TYPE.purchase, ...common, orderId: `${runId}-o${seq}`, items: [{ productId, quantity: 1 }] };
  return { type: TYPE[e.type], ...common, productId, ...(e.type === 'cart' ? { quantity: 1 } : {}) };
}

async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Which events of the plan are predictions (a test event of a session that already had one). */
function predictionFlags(plan: StreamPlan): boolean[] {
  const seen = new Set<string>();
  return plan.events.map((e) => {
    const predicted = e.ts >= plan.testStart && seen.has(e.sessionId);
    seen.add(e.sessionId);
    return predicted;
  });
}

export async function runServed(
  input: readonly EvalEvent[],
  gateway: ServedGateway,
  offline: { spec: string; method: SessionRecommender },
  opts: ServedOptions,
  progress?: Progress,
): Promise<ServedReport> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  const runId = opts.runId ?? `sv${randomBytes(3).toString('hex')}`;
  let start = Infinity;
  let end = -Infinity;
  for (const e of input) {
    if (e.ts < start) start = e.ts;
    if (e.ts > end) end = e.ts;
  }
  const timeline = servedTimeline(start, end, started);
  const plan = planStream(moveEvents(input, timeline), { testFraction: opts.testFraction });
  const predicted = predictionFlags(plan);
  const batches = servedBatches(plan.events, opts.batchSize);
  const lists = new Map<number, string[]>();
  const strip = `${runId}-`;
  let accepted = 0;
  const refused: Record<string, number> = {};
  let scored = opts.speed === null ? await gateway.scoredEvents() : 0;
  const wallStart = now();

  for (const batch of batches) {
    const asked = batch.filter((i) => predicted[i]);
    const read = await inParallel(asked, opts.concurrency, (i) => gateway.list(`${runId}-${plan.events[i]!.sessionId}`, opts.k));
    asked.forEach((i, j) =>
      lists.set(
        i,
        read[j]!.items.map((id) => (id.startsWith(strip) ? id.slice(strip.length) : id)),
      ),
    );
    if (opts.speed !== null) {
      const due = wallStart + ((plan.events[batch[0]!]!.ts - plan.events[0]!.ts) * timeline.compression) / opts.speed;
      if (due > now()) await sleep(due - now());
    }
    const outcome = await gateway.track(batch.map((i) => eventInput(plan.events[i]!, runId, i)));
    accepted += outcome.accepted;
    for (const [code, n] of Object.entries(outcome.refused)) refused[code] = (refused[code] ?? 0) + n;
    if (opts.speed === null) {
      // Each consumed event counts once (a redelivery counts as a duplicate: still at least the target).
      scored += outcome.accepted;
      while ((await gateway.scoredEvents()) < scored) await sleep(2);
    }
    progress?.tick(batch.length + asked.length);
  }
  const wallMs = now() - started;

  // Offline over the same moved events, then the served lists scored in the same order.
  const offlineAcc = new MetricAccumulator(opts.k);
  const offlineLists: string[][] = [];
  const recording: SessionRecommender = {
    name: offline.method.name,
    learn: (e) => offline.method.learn(e),
    recommend: (session, k) => {
      const recs = offline.method.recommend(session, k);
      offlineLists.push(recs);
      return recs;
    },
  };
  evaluateStream(recording, offline.spec, plan, opts.k, progress, offlineAcc);
  const servedAcc = new MetricAccumulator(opts.k);
  let shortLists = 0;
  let servedOnlyHits = 0;
  let offlineOnlyHits = 0;
  let differentLists = 0;
  let p = 0;
  plan.events.forEach((e, i) => {
    if (!predicted[i]) return;
    const served = lists.get(i) ?? [];
    const off = offlineLists[p++] ?? [];
    servedAcc.add(served, e.itemId, e.sessionId);
    if (served.length < opts.k) shortLists++;
    const hitS = served.slice(0, opts.k).includes(e.itemId);
    const hitO = off.slice(0, opts.k).includes(e.itemId);
    if (hitS && !hitO) servedOnlyHits++;
    if (hitO && !hitS) offlineOnlyHits++;
    if (served.slice(0, opts.k).join('\u0000') !== off.slice(0, opts.k).join('\u0000')) differentLists++;
  });
  return {
    runId,
    compression: timeline.compression,
    events: plan.events.length,
    predictions: servedAcc.predictions,
    sessions: plan.stats.sessions,
    batches: batches.length,
    accepted,
    refused,
    shortLists,
    servedOnlyHits,
    offlineOnlyHits,
    differentLists,
    offlineMethod: offline.spec,
    paired: comparePaired({ method: 'served', predictions: servedAcc }, { method: offline.spec, predictions: offlineAcc }),
    wallMs,
  };
}

/** The work units a progress bar counts for a served run of `events` (sent + lists read + offline). */
export function servedWork(plan: Pick<StreamPlan, 'stats'>): number {
  return 2 * (plan.stats.events + plan.stats.predictions);
}

const f4 = (v: number) => v.toFixed(4);

export function renderServed(r: ServedReport): string {
  const [hr, mrr] = r.paired.rows;
  const refused =
    Object.entries(r.refused)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ') || 'none';
  return [
    `served    run ${r.runId}: ${r.events} events in ${r.batches} trackEvents batches, ${r.accepted} accepted, refused: ${refused}; ${r.sessions} sessions; time compressed ×${r.compression.toFixed(2)}; ${(r.wallMs / 1000).toFixed(1)} s`,
    `lists     ${r.predictions} read before their event; ${r.shortLists} shorter than K; ${r.differentLists} differ from the offline top-K; hits served only ${r.servedOnlyHits}, offline only ${r.offlineOnlyHits}`,
    '',
    renderPaired(r.paired),
    '',
    `served: ${hr!.metric} ${f4(hr!.a)} ${mrr!.metric} ${f4(mrr!.a)}; offline: ${hr!.metric} ${f4(hr!.b)} ${mrr!.metric} ${f4(mrr!.b)}`,
  ].join('\n');
}
