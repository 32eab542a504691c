// c. Event-to-push latency: N subscribers over graphql-ws (one socket each), events at a steady
// rate; from the mutation's answer to the push of the changed list. Baseline: the same
// subscribers on the same gateway, a stored list document PUBLISHed on the user's Redis channel
// (RedisFeed -> liveRecs -> graphql-ws fan-out, no Kafka, no scoring); from the PUBLISH to the push.
import Redis from 'ioredis';
import { redisKeys } from '../../../src/store/redisKeys';
import { RedisStore } from '../../../src/store/redisStore';
import { gatewayEnv, row, type BenchContext, type ScenarioResult } from '../context';
import { startChild } from '../procs';
import { summariseProfile } from '../profile';
import { sendAtRate, trackView } from '../sender';
import { distribution, fmt, fmtInt, percentileCurve, promQuantile, promSample, sleep, waitFor, type Distribution } from '../stats';
import { lineChart } from '../svg';
import { openSubscribers } from '../ws';
import { catalogue, pickProduct, rng } from '../workload';
import { commandsNote, openWindow, unitRows, type WindowResult } from '../window';

export interface PushRun {
  latencies: number[];
  /** Per measured push: [mutation answered → list stored (the version, Redis's clock in ms), list stored → push arrived], ms. */
  stages: [number, number][];
  sent: number;
  skipped: number;
  failed: number;
  seconds: number;
  /** [second, pushes] per second of the run. */
  perSecond: [number, number][];
}

export async function runPushPhase(
  label: string,
  count: number,
  rate: number,
  users: readonly string[],
  fire: (i: number, userId: string) => Promise<boolean>,
  pending: Map<string, number>,
  latencies: number[],
  pushTimes: number[],
  progress: (t: string) => void,
  stages: [number, number][] = [],
): Promise<PushRun> {
  latencies.length = 0;
  pushTimes.length = 0;
  stages.length = 0;
  pending.clear();
  const started = performance.now();
  const r = await sendAtRate(
    count,
    rate,
    256,
    (i) => fire(i, users[i % users.length]!),
    (i) => progress(`${label}: ${fmtInt(i)}/${fmtInt(count)} sent, ${fmtInt(latencies.length)} pushes`),
  );
  await waitFor(() => pending.size === 0, 3000);
  const perSecond = new Map<number, number>();
  for (const t of pushTimes) perSecond.set(Math.floor((t - started) / 1000), (perSecond.get(Math.floor((t - started) / 1000)) ?? 0) + 1);
  return { latencies: [...latencies], stages: [...stages], ...r, perSecond: [...perSecond].sort((a, b) => a[0] - b[0]).map(([s, n]) => [s + 1, n]) };
}

/** The second, unsaturated rate: latency without a queue in front. */
const GENTLE_RATE = 100;

export async function pushScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const quick = ctx.options.quick;
  const subscribers = 1000;
  const rate = 500;
  const seconds = quick ? 4 : 20;
  const id = ctx.id('push');
  const keys = redisKeys(id);
  const products = catalogue(id, 2000);
  const redis = new Redis(ctx.redisUrl);
  const publisher = new Redis(ctx.redisUrl);
  const notes: string[] = [];
  const profiles: ScenarioResult['profiles'] = [];
  await new RedisStore(redis, id).upsertProducts(products);
  const gw = await startChild('gateway', { env: gatewayEnv(ctx, id), cpuProfDir: ctx.options.profile ? `${ctx.profileDir}/push` : undefined });
  const users = Array.from({ length: subscribers }, (_, i) => `${id}-u${i}`);
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  const pushTimes: number[] = [];
  // Ours only (the baseline's versions are counters): a list's version is the Redis-clock ms at
  // which the scorer stored it, on this same machine, so each push splits into the scorer's part
  // (mutation answered → list stored) and the push process's (stored → pushed).
  const stages: [number, number][] = [];
  let splitStages = false;
  /** The bench process's own CPU over the 500/s phase: its sender and 1,000 websocket clients share the machine with the gateway. */
  let benchMicros: number;
  let gentle: PushRun;
  let ours: PushRun;
  let baseline: PushRun;
  let scrape: string;
  let refreshedBefore: number;
  const windows: Record<'gentle' | 'ours' | 'baseline', WindowResult | null> = { gentle: null, ours: null, baseline: null };
  const metrics = () => gw.metrics();
  try {
    const subs = await openSubscribers(
      gw.wsUrl,
      users,
      (userId, version, at) => {
        pushTimes.push(at);
        const t = pending.get(userId);
        if (t !== undefined) {
          latencies.push(at - t);
          pending.delete(userId);
          if (splitStages) stages.push([version - (performance.timeOrigin + t), performance.timeOrigin + at - version]);
        }
      },
      (n) => ctx.progress(`push: ${fmtInt(n)}/${fmtInt(subscribers)} subscribers ready`),
      120_000,
      ctx.auth.shopper,
    );
    ctx.done(`push: ${fmtInt(subs.ready())} subscribers ready (${subs.errors()} errors)`);
    // A new consumer group takes seconds to join (longer on a busy machine): events sent before
    // would wait for it and be measured as push latency. Every process ready (/readyz) first.
    const settled = await waitFor(async () => (await gw.readiness()).every((s) => s === 'ready'), 60_000, 250);
    if (!settled) notes.push(`The gateway was not ready (/readyz: ${(await gw.readiness()).join(', ')}) 60 s after its subscribers: measured anyway.`);
    try {
      const random = rng(3);
      const view = async (_i: number, userId: string) => {
        const ok = await trackView(gw.url, userId, pickProduct(random, products).id, ctx.auth.shopper(userId));
        if (ok) pending.set(userId, performance.now());
        return ok;
      };
      // First at a rate well below saturation: the pipeline's own latency, without queueing.
      let close = await openWindow([gw], ctx.redisMeter);
      splitStages = true;
      gentle = await runPushPhase('push ours (gentle)', GENTLE_RATE * seconds, GENTLE_RATE, users, view, pending, latencies, pushTimes, ctx.progress, stages);
      windows.gentle = await close();
      const g = distribution(gentle.latencies);
      ctx.done(`push ours at ${GENTLE_RATE}/s: ${fmtInt(g.count)} pushes, p50 ${fmt(g.p50)} ms, p99 ${fmt(g.p99)} ms`);
      await sleep(1000);
      refreshedBefore = promSample(await metrics(), 'recsys_lists_refreshed_total');
      close = await openWindow([gw], ctx.redisMeter);
      const benchBefore = process.cpuUsage();
      ours = await runPushPhase('push ours', rate * seconds, rate, users, view, pending, latencies, pushTimes, ctx.progress, stages);
      splitStages = false;
      const benchCpu = process.cpuUsage(benchBefore);
      benchMicros = benchCpu.user + benchCpu.system;
      windows.ours = await close();
      const o = distribution(ours.latencies);
      ctx.done(`push ours: ${fmtInt(o.count)} pushes, p50 ${fmt(o.p50)} ms, p99 ${fmt(o.p99)} ms`);
      scrape = await metrics();
      await sleep(500);

      // Baseline: the stored documents, re-published with a version above anything stored (versions
      // are Redis-clock milliseconds: a constant start would sit below them and nothing be pushed).
      const docs = new Map<string, Record<string, unknown>>();
      for (let i = 0; i < users.length; i += 500) {
        const chunk = users.slice(i, i + 500);
        const raws = await redis.mget(chunk.map((u) => keys.recs(u)));
        chunk.forEach((u, k) => raws[k] && docs.set(u, JSON.parse(raws[k]) as Record<string, unknown>));
      }
      let version = Math.max(0, ...[...docs.values()].map((d) => Number(d.version) || 0));
      close = await openWindow([gw], ctx.redisMeter);
      baseline = await runPushPhase(
        'push baseline',
        rate * seconds,
        rate,
        users,
        async (_i, userId) => {
          const doc = docs.get(userId);
          if (!doc) return false;
          const text = JSON.stringify({ ...doc, version: ++version, generatedAt: new Date().toISOString() });
          pending.set(userId, performance.now());
          await publisher.publish(keys.recsChannel(userId), text);
          return true;
        },
        pending,
        latencies,
        pushTimes,
        ctx.progress,
      );
      windows.baseline = await close();
      const b = distribution(baseline.latencies);
      ctx.done(`push baseline: ${fmtInt(b.count)} pushes, p50 ${fmt(b.p50)} ms, p99 ${fmt(b.p99)} ms`);
    } finally {
      await subs.dispose();
    }
  } finally {
    await gw.stop();
    redis.disconnect();
    publisher.disconnect();
  }
  if (ctx.options.profile) profiles.push({ label: 'gateway during push latency', summary: await summariseProfile(`${ctx.profileDir}/push`) });
  const o: Distribution = distribution(ours.latencies);
  const g: Distribution = distribution(gentle.latencies);
  const b: Distribution = distribution(baseline.latencies);
  const pushes = (run: PushRun) => run.perSecond.reduce((sum, [, n]) => sum + n, 0);
  const accepted = (run: PushRun) => run.sent - run.failed;
  const refreshed = promSample(scrape, 'recsys_lists_refreshed_total') - refreshedBefore;
  const [wGentle, wOurs, wBase] = [windows.gentle, windows.ours, windows.baseline];
  const stageNote = (name: string, run: PushRun) => {
    const scored = distribution(run.stages.map(([a]) => a));
    const pushed = distribution(run.stages.map(([, b]) => b));
    return `${name}: mutation answered → list stored p50 ${fmt(scored.p50)} / p99 ${fmt(scored.p99)} ms (Kafka, scoring, the refresh queue, the refresh); list stored → push arrived p50 ${fmt(pushed.p50)} / p99 ${fmt(pushed.p99)} ms (Redis pub/sub, the push process's execution and socket write, the bench's client)`;
  };
  const serverP50 = promQuantile(scrape, 'recsys_event_to_push_seconds', 0.5) * 1000;
  const serverP99 = promQuantile(scrape, 'recsys_event_to_push_seconds', 0.99) * 1000;
  notes.push(
    `${fmtInt(subscribers)} subscribers, one websocket each; ${rate} events/s for ${seconds} s to them in turn (each view of a catalogue product, skewed to popular ones); latency measured in the bench from the mutation's answer (ours) or the PUBLISH call (baseline) to the push arriving.`,
    `Ours: ${fmtInt(ours.sent)} sent, ${ours.failed} refused, ${ours.skipped} skipped (over 256 in flight); ${fmtInt(o.count)} pushes measured (an event that leaves a list unchanged pushes nothing). Baseline: ${fmtInt(baseline.sent)} published, ${fmtInt(b.count)} pushes measured.`,
    `Before that, the same subscribers at ${GENTLE_RATE} events/s (below saturation): ${fmtInt(gentle.sent)} sent, ${fmtInt(g.count)} pushes, p50 ${fmt(g.p50)} ms, p99 ${fmt(g.p99)} ms, max ${fmt(g.max)} ms. When the 500/s run sends fewer than it aims to (skipped), the gateway is saturated and latency is mostly queueing.`,
    `Where each measured push's time went (a list's version is the Redis-clock ms it was stored at): ${stageNote(`at ${GENTLE_RATE}/s`, gentle)}; ${stageNote(`at ${rate}/s`, ours)}.`,
    `The gateway's own histogram recsys_event_to_push_seconds (receivedAt -> written to the socket, bucket upper bounds): p50 ≤ ${fmt(serverP50)} ms, p99 ≤ ${fmt(serverP99)} ms.`,
    `CPU of the gateway child (process.cpuUsage, user + system) over each phase, divided by its units (the whole process's CPU per unit: accepting, scoring, refreshing and pushing all in one): at ${GENTLE_RATE}/s ${fmtInt(wGentle.cpuMicros / accepted(gentle))} µs per event (${fmtInt(pushes(gentle))} pushes); at ${rate}/s ${fmtInt(wOurs.cpuMicros / accepted(ours))} µs per event, ${fmtInt(wOurs.cpuMicros / refreshed)} µs per list refreshed (${fmtInt(refreshed)} refreshed, recsys_lists_refreshed_total), ${fmtInt(wOurs.cpuMicros / pushes(ours))} µs per push (${fmtInt(pushes(ours))} pushes); baseline (PUBLISH → push, no scoring) ${fmtInt(wBase.cpuMicros / pushes(baseline))} µs per push.`,
    `The bench process itself (the sender's HTTP calls, ${fmtInt(subscribers)} graphql-ws clients) used ${fmtInt(benchMicros / accepted(ours))} µs of CPU per event at ${rate}/s, on the same cores.`,
    commandsNote(`Ours at ${rate}/s`, 'event', wOurs, accepted(ours)),
    commandsNote('Baseline', 'push', wBase, pushes(baseline)),
  );
  return {
    id: 'c',
    title: 'Event-to-push latency',
    rows: [
      row({ scenario: 'c. push', metric: 'p50 mutation→push', unit: 'ms', ours: o.p50, baseline: b.p50, aim: '—', holds: null }),
      row({
        scenario: 'c. push',
        metric: `p99 mutation→push (${subscribers} subs, ${rate}/s)`,
        unit: 'ms',
        ours: o.p99,
        baseline: b.p99,
        aim: '< 50 ms',
        holds: o.p99 < 50,
      }),
      row({ scenario: 'c. push', metric: 'max mutation→push', unit: 'ms', ours: o.max, baseline: b.max, aim: '—', holds: null }),
      row({
        scenario: 'c. push',
        metric: `p99 mutation→list stored (${rate}/s)`,
        unit: 'ms',
        ours: distribution(ours.stages.map(([a]) => a)).p99,
        baseline: null,
        aim: '— (information)',
        holds: null,
      }),
      row({
        scenario: 'c. push',
        metric: `p99 list stored→push (${rate}/s)`,
        unit: 'ms',
        ours: distribution(ours.stages.map(([, b]) => b)).p99,
        baseline: null,
        aim: '— (information)',
        holds: null,
      }),
      row({
        scenario: 'c. push',
        metric: `p99 mutation→push (${subscribers} subs, ${GENTLE_RATE}/s)`,
        unit: 'ms',
        ours: g.p99,
        baseline: null,
        aim: '— (information)',
        holds: null,
      }),
      ...unitRows({ scenario: 'c. push', unit: 'event', label: `(${GENTLE_RATE}/s)`, ours: { window: wGentle, units: accepted(gentle) }, redis: true }),
      ...unitRows({ scenario: 'c. push', unit: 'event', label: `(${rate}/s)`, ours: { window: wOurs, units: accepted(ours) }, redis: true }),
      ...unitRows({ scenario: 'c. push', unit: 'refresh', label: `(${rate}/s)`, ours: { window: wOurs, units: refreshed } }),
      ...unitRows({
        scenario: 'c. push',
        unit: 'push',
        label: `(${rate}/s)`,
        ours: { window: wOurs, units: pushes(ours) },
        baseline: { window: wBase, units: pushes(baseline) },
      }),
    ],
    charts: [
      {
        file: 'push-latency.svg',
        caption: 'Event-to-push latency percentiles (ms, log scale)',
        svg: lineChart(
          [
            { name: `ours at ${rate}/s (mutation→push)`, points: percentileCurve(ours.latencies) },
            { name: `ours at ${GENTLE_RATE}/s`, points: percentileCurve(gentle.latencies) },
            { name: 'baseline (PUBLISH→push)', points: percentileCurve(baseline.latencies) },
          ],
          {
            title: `push latency, ${subscribers} subscribers at ${rate} events/s`,
            xLabel: 'percentile',
            yLabel: 'ms',
            logY: true,
            reference: { y: 50, label: 'aim p99 < 50 ms' },
          },
        ),
      },
      {
        file: 'push-throughput.svg',
        caption: 'Pushes received per second',
        svg: lineChart(
          [
            { name: 'ours', points: ours.perSecond },
            { name: 'baseline', points: baseline.perSecond },
          ],
          { title: 'pushes per second', xLabel: 'second', yLabel: 'pushes/s' },
        ),
      },
    ],
    notes,
    profiles,
    raw: {
      ours: { ...o, sent: ours.sent, failed: ours.failed, skipped: ours.skipped, pushes: pushes(ours), refreshed, window: wOurs },
      gentle: { ...g, sent: gentle.sent, rate: GENTLE_RATE, pushes: pushes(gentle), window: wGentle },
      baseline: { ...b, sent: baseline.sent, pushes: pushes(baseline), window: wBase },
      serverP50,
      serverP99,
    },
  };
}
