// g. Several gateways: one pre-filled topic set (6 partitions) scored to lag 0 by 1, then 2, then
// 3 gateway processes in one consumer group (a new group and key prefix per round, the same
// topics). Per round, measured from the moment the group is stable with all its members (before
// that the first to join scores alone): events/s, each process's CPU per event it handled; and
// over the whole round whether every event was applied, none twice (the gateways'
// recsys_scored_events_total, learned and duplicate, summed against the count produced). Information only: on one 2-core machine that also runs Kafka, ZooKeeper and Redis,
// more processes share the same two cores, so this shows the work spreads and nothing is lost,
// not how it scales.
import Redis from 'ioredis';
import { RedisStore } from '../../../src/store/redisStore';
import { gatewayEnv, row, type BenchContext, type Row, type ScenarioResult } from '../context';
import { benchKafka, committed, endOffsets, followLag, prefill, topicsOf, waitForMembers, type DrainResult } from '../kafka';
import { startChild, type BenchChild } from '../procs';
import { fmt, fmtInt, promSample } from '../stats';
import { lineChart } from '../svg';
import { scoredShop } from '../workload';
import { commandsNote, openWindow, type WindowResult } from '../window';

const PARTITIONS = 6;
const ROUNDS = [1, 2, 3];

interface Counts {
  learned: number;
  duplicates: number;
  invalid: number;
}

interface ProcessShare extends Counts {
  /** Events this process handled while measured (learned + duplicates + invalid). */
  handled: number;
  partitions: number;
  rebalances: number;
  staleWritesRefused: number;
  cpuMicros: number;
}

export interface Round {
  gateways: number;
  drain: DrainResult;
  /** Events left when the group became stable with every member (the measured part). */
  measured: number;
  secondsToStable: number;
  window: WindowResult;
  processes: ProcessShare[];
  learned: number;
  duplicates: number;
}

const countsOf = (scrape: string): Counts => {
  const scored = (result: string) => promSample(scrape, `recsys_scored_events_total{result="${result}"}`) || 0;
  return { learned: scored('learned'), duplicates: scored('duplicate'), invalid: scored('invalid') };
};
const handled = (c: Counts) => c.learned + c.duplicates + c.invalid;

function shareOf(start: Counts, scrape: string, cpuMicros: number): ProcessShare {
  const end = countsOf(scrape);
  return {
    ...end,
    handled: handled(end) - handled(start),
    partitions: promSample(scrape, 'recsys_partitions_owned'),
    rebalances: promSample(scrape, 'recsys_consumer_rebalances_total'),
    staleWritesRefused: promSample(scrape, 'recsys_stale_writes_refused_total') || 0,
    cpuMicros,
  };
}

export async function severalGatewaysScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const quick = ctx.options.quick;
  // Enough that most of it is left when the group settles (joining takes a few seconds).
  const count = quick ? 40_000 : 150_000;
  const id = ctx.id('several');
  const { users, products, events } = scoredShop(id, count, quick, 13);
  const kafka = benchKafka(ctx.brokers);
  const admin = kafka.admin();
  await admin.connect();
  const redis = new Redis(ctx.redisUrl);
  const timeout = quick ? 90_000 : 300_000;
  const rounds: Round[] = [];
  try {
    const topics = topicsOf(`${id}-`);
    await prefill(kafka, `${id}-`, PARTITIONS, events, (n) => ctx.progress(`several: pre-filling ${fmtInt(n)}/${fmtInt(count)} events`));
    const total = await endOffsets(admin, topics);
    ctx.done(`several: ${fmtInt(total)} events in ${topics.length} topics × ${PARTITIONS} partitions`);
    for (const n of ROUNDS) {
      // Each round its own group, key prefix and ZooKeeper root, on the same topics.
      const round = `${id}-g${n}`;
      await new RedisStore(redis, round).upsertProducts(products);
      const env = gatewayEnv(ctx, round, { KAFKA_TOPIC_PREFIX: `${id}-`, KAFKA_PARTITIONS: String(PARTITIONS) });
      const children: BenchChild[] = [];
      try {
        const t0 = performance.now();
        children.push(...(await Promise.all(Array.from({ length: n }, () => startChild('gateway', { env })))));
        ctx.progress(`several, ${n} gateway(s): waiting for the group to be stable with ${n} member(s)`);
        if (!(await waitForMembers(admin, `${round}-scorer`, n, timeout)))
          throw new Error(`several: the group of ${n} gateways was not stable with ${n} members within ${timeout} ms`);
        const secondsToStable = (performance.now() - t0) / 1000;
        const close = await openWindow(children, ctx.redisMeter);
        const start = (await Promise.all(children.map((c) => c.metrics()))).map(countsOf);
        const measured = total - (await committed(admin, `${round}-scorer`, topics));
        const drain = await followLag(admin, `${round}-scorer`, topics, total, timeout, (lag, s) =>
          ctx.progress(`several, ${n} gateway(s): lag ${fmtInt(lag)} after ${s.toFixed(1)} s`),
        );
        const window = await close();
        const processes = (await Promise.all(children.map((c) => c.metrics()))).map((text, i) => shareOf(start[i]!, text, window.perChild[i]!));
        const learned = processes.reduce((sum, p) => sum + p.learned, 0);
        const duplicates = processes.reduce((sum, p) => sum + p.duplicates, 0);
        rounds.push({ gateways: n, drain, measured, secondsToStable, window, processes, learned, duplicates });
        ctx.done(
          `several, ${n} gateway(s): lag 0 after ${fmt(drain.secondsToZero)} s, ${fmtInt(drain.steadyRate)} events/s, learned ${fmtInt(learned)} of ${fmtInt(total)}, ${fmtInt(duplicates)} recognised as already applied`,
        );
      } finally {
        await Promise.all(children.map((c) => c.stop()));
      }
    }
    return severalResult(rounds, total, count, users, products.length);
  } finally {
    await admin.disconnect();
    redis.disconnect();
  }
}

function severalResult(rounds: Round[], total: number, count: number, users: number, products: number): ScenarioResult {
  const one = rounds.find((r) => r.gateways === 1);
  const rows: Row[] = [];
  const notes: string[] = [
    `${fmtInt(count)} events (90% views, 8% add-to-cart, 2% purchases) from ${fmtInt(users)} shoppers over ${fmtInt(products)} products in topics of ${PARTITIONS} partitions, produced once; each round starts its gateways together in a new consumer group with a new key prefix and scores the same topics to lag 0.`,
    'Information only: one 2-core machine that also runs Kafka, ZooKeeper and Redis cannot show scaling (more processes share the same two cores); the rows show that the partitions spread over the processes and that every event is applied, none twice.',
    "Measured from the moment the group is Stable with all of the round's members (describeGroups) to lag 0; before that the first gateway to join scores alone. Events/s: events committed in that time over that time; the baseline column of a round of 2 or 3 is the 1-gateway round, so the ratio is the speed-up. CPU per event of a process: its process.cpuUsage() over that time divided by the events it handled meanwhile (learned + redeliveries it recognised as already applied, from its metrics).",
    "Not applied = produced − the gateways' recsys_scored_events_total summed over learned and duplicate (an event its shopper's state already holds, recognised by event id), at least 0; the row holds when that is 0 and no more were learned than produced (nothing applied twice). A batch whose state write was refused by the fence (a rebalance moved its partition) is not counted as learned although the states written before the refusal hold its events: its redelivery counts them as duplicates.",
  ];
  for (const r of rounds) {
    const label = `${r.gateways} gateway${r.gateways > 1 ? 's' : ''}`;
    rows.push(
      row({
        scenario: 'g. several',
        metric: `events/s scored, ${label}`,
        unit: '/s',
        ours: r.drain.steadyRate,
        baseline: r.gateways > 1 && one ? one.drain.steadyRate : null,
        aim: '— (information)',
        holds: null,
      }),
      row({
        scenario: 'g. several',
        metric: `events not applied, ${label}`,
        unit: 'events',
        ours: Math.max(0, total - r.learned - r.duplicates),
        baseline: null,
        aim: '0, none learned twice',
        holds: r.learned + r.duplicates >= total && r.learned <= total,
      }),
    );
    r.processes.forEach((p, i) => {
      rows.push(
        row({
          scenario: 'g. several',
          metric: `CPU per event, process ${i + 1} of ${r.gateways}`,
          unit: 'µs CPU/event',
          ours: p.handled > 0 ? p.cpuMicros / p.handled : NaN,
          baseline: null,
          aim: '— (information)',
          holds: null,
        }),
      );
    });
    notes.push(
      `${label}: stable with every member ${fmt(r.secondsToStable)} s after the start, ${fmtInt(r.measured)} events left then; lag 0 ${fmt(r.drain.secondsToZero)} s later, ${fmtInt(r.drain.steadyRate)} events/s; over the round ${fmtInt(r.learned)} learned of ${fmtInt(total)} produced, ${fmtInt(r.duplicates)} recognised as already applied, ${fmtInt(r.processes.reduce((sum, p) => sum + p.staleWritesRefused, 0))} state writes refused by the fence; measured, all processes together ${fmt(r.window.cpuMicros / r.measured)} µs CPU per event. Per process (partitions owned, joins, events handled while measured, µs CPU per event): ${r.processes.map((p, i) => `#${i + 1} ${p.partitions} partitions, ${p.rebalances} joins, ${fmtInt(p.handled)} events, ${fmt(p.cpuMicros / Math.max(1, p.handled))} µs`).join('; ')}.`,
      commandsNote(`${label} (measured part)`, 'event', r.window, r.measured),
    );
  }
  return {
    id: 'g',
    title: 'Several gateways: 1, 2 and 3 scoring processes',
    rows,
    charts: [
      {
        file: 'several-lag.svg',
        caption: 'Several gateways: consumer-group lag over time, per round',
        svg: lineChart(
          rounds.map((r) => ({ name: `${r.gateways} gateway(s)`, points: r.drain.lag })),
          { title: 'lag until 0', xLabel: 'seconds', yLabel: 'events behind' },
        ),
      },
    ],
    notes,
    profiles: [],
    raw: {
      total,
      rounds: rounds.map((r) => ({
        gateways: r.gateways,
        secondsToStable: r.secondsToStable,
        measured: r.measured,
        secondsToZero: r.drain.secondsToZero,
        steadyRate: r.drain.steadyRate,
        learned: r.learned,
        duplicates: r.duplicates,
        processes: r.processes,
        window: r.window,
      })),
    },
  };
}
