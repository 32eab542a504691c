// b. Scoring: a pre-filled topic set, then a consumer group started on it and timed until its lag
// is 0. Ours: a gateway child's stream module (learn, Lua deltas, user states, list refresh and
// publish). Baseline: the same topics consumed the same way by a child that sends, per event, the
// Redis commands our scorer sends (calibrated mix) as one raw pipeline per batch, with no logic; and
// a second baseline sending the mix of the scorer before issue 17 the same way, so that what the
// change of mix gained shows in one run.
import Redis from 'ioredis';
import { RedisStore } from '../../../src/store/redisStore';
import { calibrate } from '../calibrate';
import { gatewayEnv, row, type BenchContext, type ScenarioResult } from '../context';
import { benchKafka, committed, endOffsets, followLag, prefill, topicsOf, type DrainResult } from '../kafka';
import { bytesByOwner, type OwnerBytes } from '../keyMemory';
import { startChild } from '../procs';
import { summariseProfile } from '../profile';
import { fmt, fmtInt, promSample } from '../stats';
import { lineChart } from '../svg';
import { scoredShop } from '../workload';
import { commandsNote, openWindow, unitRows, type WindowResult } from '../window';

/**
 * Redis commands per event of the scorer before issue 17 (commit d5911fe, 2026-11-29: a PEXPIRE per
 * write, HGET per watermark, ZCARD per set), as this bench's calibration measured them on that
 * commit's code (40,000-event quick shop / 200,000-event shop; 21.7 and 22.4 commands per event).
 */
export const MIX_BEFORE_ISSUE_17 = {
  quick: { pexpire: 8.65, zincrby: 2.96, set: 2.65, get: 1.82, hget: 1.76, zcard: 1.51, hset: 1.31, zadd: 1 },
  full: { pexpire: 9.3, set: 2.92, zincrby: 2.41, get: 2.37, hget: 1.65, zcard: 1.43, hset: 1.36, zadd: 1 },
} as const;

export async function scoringScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const quick = ctx.options.quick;
  const count = quick ? 40_000 : 200_000;
  const id = ctx.id('score');
  const { users, products, events } = scoredShop(id, count, quick, 7);
  const kafka = benchKafka(ctx.brokers);
  const admin = kafka.admin();
  await admin.connect();
  const redis = new Redis(ctx.redisUrl);
  const notes: string[] = [];
  const profiles: ScenarioResult['profiles'] = [];
  try {
    const topics = topicsOf(`${id}-`);
    await prefill(kafka, `${id}-`, 6, events, (n) => ctx.progress(`scoring: pre-filling ${fmtInt(n)}/${fmtInt(count)} events`));
    const total = await endOffsets(admin, topics);
    ctx.done(`scoring: ${fmtInt(total)} events in ${topics.length} topics × 6 partitions`);

    ctx.progress('scoring: counting Redis commands per event on a private redis-server');
    const cal = await calibrate(events.slice(0, quick ? 4000 : 10_000), products, 1000);
    ctx.done(`scoring: our scorer sends ${cal.perEvent.toFixed(1)} Redis commands per event (Lua-internal included)`);

    // Ours: the gateway's stream module in a child, the catalogue in its key prefix first.
    await new RedisStore(redis, id).upsertProducts(products);
    const timeout = quick ? 60_000 : 300_000;
    const gw = await startChild('gateway', { env: gatewayEnv(ctx, id), cpuProfDir: ctx.options.profile ? `${ctx.profileDir}/scoring` : undefined });
    let ours: DrainResult;
    let oursWindow: WindowResult;
    let oursEvents: number;
    let scrape = '';
    try {
      const close = await openWindow([gw], ctx.redisMeter);
      oursEvents = total - (await committed(admin, `${id}-scorer`, topics));
      ours = await followLag(admin, `${id}-scorer`, topics, total, timeout, (lag, s) =>
        ctx.progress(`scoring ours: lag ${fmtInt(lag)} after ${s.toFixed(1)} s`),
      );
      oursWindow = await close();
      scrape = await gw.metrics();
    } finally {
      await gw.stop();
    }
    // What the scored history weighs in Redis: every shopper's keys, every product's statistics.
    ctx.progress("scoring: MEMORY USAGE of the shoppers' and products' keys");
    const shopperBytes: OwnerBytes = await bytesByOwner(redis, `${id}:{u:*`);
    const productBytes: OwnerBytes = await bytesByOwner(redis, `${id}:{p:*`, (key) => !key.endsWith(':info'));
    if (ctx.options.profile) profiles.push({ label: 'gateway while scoring', summary: await summariseProfile(`${ctx.profileDir}/scoring`) });
    ctx.done(`scoring ours: lag 0 after ${fmt(ours.secondsToZero)} s, ${fmtInt(ours.steadyRate)} events/s`);

    const base = await startChild('baseline-scoring');
    let baseline: DrainResult;
    let baseWindow: WindowResult;
    try {
      const close = await openWindow([base], ctx.redisMeter);
      await base.request(
        {
          type: 'start-scoring',
          options: { brokers: ctx.brokers, topics, groupId: `${id}-baseline`, redisUrl: ctx.redisUrl, keyPrefix: `${id}-raw`, mix: cal.mix },
        },
        'scoring-started',
      );
      baseline = await followLag(admin, `${id}-baseline`, topics, total, timeout, (lag, s) =>
        ctx.progress(`scoring baseline: lag ${fmtInt(lag)} after ${s.toFixed(1)} s`),
      );
      baseWindow = await close();
    } finally {
      await base.stop();
    }
    ctx.done(`scoring baseline: lag 0 after ${fmt(baseline.secondsToZero)} s, ${fmtInt(baseline.steadyRate)} events/s`);

    const oldMix = quick ? MIX_BEFORE_ISSUE_17.quick : MIX_BEFORE_ISSUE_17.full;
    const before = await startChild('baseline-scoring');
    let baselineBefore: DrainResult;
    let beforeWindow: WindowResult;
    try {
      const close = await openWindow([before], ctx.redisMeter);
      await before.request(
        {
          type: 'start-scoring',
          options: { brokers: ctx.brokers, topics, groupId: `${id}-baseline-d5911fe`, redisUrl: ctx.redisUrl, keyPrefix: `${id}-rawold`, mix: oldMix },
        },
        'scoring-started',
      );
      baselineBefore = await followLag(admin, `${id}-baseline-d5911fe`, topics, total, timeout, (lag, s) =>
        ctx.progress(`scoring baseline, mix before issue 17: lag ${fmtInt(lag)} after ${s.toFixed(1)} s`),
      );
      beforeWindow = await close();
    } finally {
      await before.stop();
    }
    ctx.done(`scoring baseline, mix before issue 17: lag 0 after ${fmt(baselineBefore.secondsToZero)} s, ${fmtInt(baselineBefore.steadyRate)} events/s`);

    const batches = promSample(scrape, 'recsys_scoring_batch_size_count');
    const batchEvents = promSample(scrape, 'recsys_scoring_batch_size_sum');
    const batchSeconds = promSample(scrape, 'recsys_scoring_batch_duration_seconds_sum');
    notes.push(
      `${fmtInt(count)} events (90% views, 8% add-to-cart, 2% purchases) from ${fmtInt(users)} shoppers over ${fmtInt(products.length)} products, produced before either consumer starts; a new consumer group each.`,
      `Rate = events committed between the first progress seen and lag 0, divided by that time (group join excluded); time to lag 0 includes the join.`,
      `Ours: ${fmtInt(batches)} batches, mean ${(batchEvents / batches).toFixed(0)} events and ${((batchSeconds / batches) * 1000).toFixed(1)} ms per batch; lists handed to the refresh queue (somebody subscribed): ${fmtInt(promSample(scrape, 'recsys_lists_refreshed_total'))}, left stale for their next read (nobody subscribed): ${fmtInt(promSample(scrape, 'recsys_lists_deferred_total'))}. Nobody subscribes in this scenario, so this is the cost of learning; list refreshes are measured in c.`,
      commandsNote('Ours (the gateway child, from its start to lag 0)', 'event', oursWindow, oursEvents),
      commandsNote('Baseline (raw pipeline)', 'event', baseWindow, total),
      commandsNote("Baseline with the mix before issue 17 (raw pipeline, commit d5911fe's calibrated mix)", 'event', beforeWindow, total),
      `CPU per event: the child's process.cpuUsage() (user + system) from its start (ours: gateway ready; baseline: before its consumer starts) to lag 0, divided by the events it scored: ours ${fmt(oursWindow.cpuMicros / oursEvents)} µs, baseline ${fmt(baseWindow.cpuMicros / total)} µs. Group join and start-up are inside the window.`,
      `Redis memory after scoring (MEMORY USAGE summed, ours): ${fmtInt(shopperBytes.bytes / shopperBytes.owners)} B per shopper (${fmtInt(shopperBytes.owners)} shoppers, ${(shopperBytes.keys / shopperBytes.owners).toFixed(1)} keys each, ~${(count / users).toFixed(0)} events each), ${fmtInt(productBytes.bytes / productBytes.owners)} B of statistics per product (${fmtInt(productBytes.owners)} products with statistics, ${(productBytes.keys / productBytes.owners).toFixed(1)} keys each; catalogue entries not counted).`,
      `Calibrated Redis commands per event (ours, on a private redis-server, ${cal.sample} events): ${Object.entries(cal.mix)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(
          ', ',
        )}; total ${cal.perEvent.toFixed(1)}. The baseline sends this mix raw, and per batch the same multi-key reads (MGET of user states and products) and write (MSET of states, neighbour copies and stale marks) for the batch's users.`,
    );
    return {
      id: 'b',
      title: 'Scoring: pre-filled topic to lag 0',
      rows: [
        row({
          scenario: 'b. scoring',
          metric: 'events/s scored',
          unit: '/s',
          ours: ours.steadyRate,
          baseline: baseline.steadyRate,
          aim: '≥ 20,000/s and ≥ 0.3× baseline',
          holds: ours.steadyRate >= 20_000 && ours.steadyRate >= 0.3 * baseline.steadyRate,
        }),
        row({
          scenario: 'b. scoring',
          metric: 'events/s, ours against the raw pipeline of the mix before issue 17',
          unit: '/s',
          ours: ours.steadyRate,
          baseline: baselineBefore.steadyRate,
          aim: '— (information)',
          holds: null,
        }),
        row({
          scenario: 'b. scoring',
          metric: 'seconds to lag 0',
          unit: 's',
          ours: ours.secondsToZero,
          baseline: baseline.secondsToZero,
          aim: '—',
          holds: null,
        }),
        ...unitRows({
          scenario: 'b. scoring',
          unit: 'event',
          ours: { window: oursWindow, units: oursEvents },
          baseline: { window: baseWindow, units: total },
          redis: true,
        }),
        ...unitRows({
          scenario: 'b. scoring',
          unit: 'event',
          label: '(baseline: the mix before issue 17)',
          ours: { window: oursWindow, units: oursEvents },
          baseline: { window: beforeWindow, units: total },
          redis: true,
        }).filter((r) => r.metric.startsWith('Redis')),
        row({
          scenario: 'b. scoring',
          metric: 'Redis memory per shopper',
          unit: 'B',
          ours: shopperBytes.bytes / shopperBytes.owners,
          baseline: null,
          aim: '— (information)',
          holds: null,
        }),
        row({
          scenario: 'b. scoring',
          metric: 'Redis memory per product (statistics)',
          unit: 'B',
          ours: productBytes.bytes / productBytes.owners,
          baseline: null,
          aim: '— (information)',
          holds: null,
        }),
      ],
      charts: [
        {
          file: 'scoring-lag.svg',
          caption: 'Scoring: consumer-group lag over time (events not yet committed)',
          svg: lineChart(
            [
              { name: 'ours', points: ours.lag },
              { name: 'baseline (raw pipeline)', points: baseline.lag },
              { name: 'raw pipeline, mix before issue 17', points: baselineBefore.lag },
            ],
            { title: 'lag until 0', xLabel: 'seconds', yLabel: 'events behind' },
          ),
        },
        {
          file: 'scoring-throughput.svg',
          caption: 'Scoring: events committed per second (from the lag samples)',
          svg: lineChart(
            [
              { name: 'ours', points: rates(ours.lag) },
              { name: 'baseline (raw pipeline)', points: rates(baseline.lag) },
              { name: 'raw pipeline, mix before issue 17', points: rates(baselineBefore.lag) },
            ],
            { title: 'scored per second', xLabel: 'seconds', yLabel: 'events/s', reference: { y: 20_000, label: 'aim 20,000/s' } },
          ),
        },
      ],
      notes,
      profiles,
      raw: {
        count,
        users,
        calibration: cal,
        ours,
        baseline,
        baselineBefore,
        oldMix,
        oursWindow,
        oursEvents,
        baseWindow,
        beforeWindow,
        shopperBytes,
        productBytes,
      },
    };
  } finally {
    await admin.disconnect();
    redis.disconnect();
  }
}

/** Per-interval rates from cumulative lag samples. */
function rates(lag: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 1; i < lag.length; i++) {
    const dt = lag[i]![0] - lag[i - 1]![0];
    if (dt > 0) out.push([lag[i]![0], Math.max(0, (lag[i - 1]![1] - lag[i]![1]) / dt)]);
  }
  return out;
}
