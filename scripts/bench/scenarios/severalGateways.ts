// g. Several gateways: one pre-filled topic set (6 partitions) scored to lag 0 by 1, then 2, then
// 3 gateway processes in one consumer group (a new group and key prefix per round, the same
// topics). Per round: events/s, each process's CPU per event it handled, and whether every event
// was learned exactly once (the gateways' recsys_scored_events_total summed against the count
// produced). Information only: on one 2-core machine that also runs Kafka, ZooKeeper and Redis,
// more processes share the same two cores, so this shows the work spreads and nothing is lost,
// not how it scales.
import Redis from 'ioredis';
import { RedisStore } from '../../../src/store/redisStore';
import { gatewayEnv, row, type BenchContext, type Row, type ScenarioResult } from '../context';
import { benchKafka, endOffsets, followLag, prefill, topicsOf, type DrainResult } from '../kafka';
import { startChild, type BenchChild } from '../procs';
import { fmt, fmtInt, promSample } from '../stats';
import { lineChart } from '../svg';
import { catalogue, makeEvents } from '../workload';
import { commandsNote, openWindow, type WindowResult } from '../window';

const PARTITIONS = 6;
const ROUNDS = [1, 2, 3];

interface ProcessShare {
  learned: number;
  duplicates: number;
  invalid: number;
  partitions: number;
  cpuMicros: number;
}

export interface Round {
  gateways: number;
  drain: DrainResult;
  window: WindowResult;
  processes: ProcessShare[];
  learned: number;
  duplicates: number;
}

const series = (name: string, labels: string) => `${name}{${labels}}`;

function shareOf(scrape: string, cpuMicros: number): ProcessShare {
  const scored = (result: string) => promSample(scrape, series('recsys_scored_events_total', `result="${result}"`)) || 0;
  let partitions = 0;
  for (const line of scrape.split('\n')) if (line.startsWith('recsys_partitions_owned{')) partitions += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  return { learned: scored('learned'), duplicates: scored('duplicate'), invalid: scored('invalid'), partitions, cpuMicros };
}

export async function severalGatewaysScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const quick = ctx.options.quick;
  const count = quick ? 20_000 : 100_000;
  const users = Math.round(count / 10);
  const id = ctx.id('several');
  const products = catalogue(id, quick ? 2000 : 5000);
  const kafka = benchKafka(ctx.brokers);
  const admin = kafka.admin();
  await admin.connect();
  const redis = new Redis(ctx.redisUrl);
  const timeout = quick ? 90_000 : 300_000;
  const rounds: Round[] = [];
  try {
    const topics = topicsOf(`${id}-`);
    await prefill(kafka, `${id}-`, PARTITIONS, makeEvents(id, count, users, products, 13), (n) => ctx.progress(`several: pre-filling ${fmtInt(n)}/${fmtInt(count)} events`));
    const total = await endOffsets(admin, topics);
    ctx.done(`several: ${fmtInt(total)} events in ${topics.length} topics × ${PARTITIONS} partitions`);
    for (const n of ROUNDS) {
      // Each round its own group, key prefix and ZooKeeper root, on the same topics.
      const round = `${id}-g${n}`;
      await new RedisStore(redis, round).upsertProducts(products);
      const env = gatewayEnv(ctx, round, { KAFKA_TOPIC_PREFIX: `${id}-`, KAFKA_PARTITIONS: String(PARTITIONS) });
      const children: BenchChild[] = [];
      try {
        children.push(...(await Promise.all(Array.from({ length: n }, () => startChild('gateway', { env })))));
        const close = await openWindow(children, ctx.redisMeter);
        const drain = await followLag(admin, `${round}-scorer`, topics, total, timeout, (lag, s) => ctx.progress(`several, ${n} gateway(s): lag ${fmtInt(lag)} after ${s.toFixed(1)} s`));
        const window = await close();
        const scrapes = await Promise.all(children.map(async (c) => (await fetch(c.url.replace('/graphql', '/metrics'))).text()));
        const processes = scrapes.map((text, i) => shareOf(text, window.perChild[i]!));
        const learned = processes.reduce((sum, p) => sum + p.learned, 0);
        const duplicates = processes.reduce((sum, p) => sum + p.duplicates, 0);
        rounds.push({ gateways: n, drain, window, processes, learned, duplicates });
        ctx.done(`several, ${n} gateway(s): lag 0 after ${fmt(drain.secondsToZero)} s, ${fmtInt(drain.steadyRate)} events/s, learned ${fmtInt(learned)} of ${fmtInt(total)} (${fmtInt(duplicates)} redeliveries recognised)`);
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
    'Information only: one 2-core machine that also runs Kafka, ZooKeeper and Redis cannot show scaling (more processes share the same two cores); the rows show that the partitions spread over the processes and that every event is learned exactly once.',
    'Events/s: as in b (committed between the first progress seen and lag 0); the baseline column of a round of 2 or 3 is the 1-gateway round, so the ratio is the speed-up. CPU per event of a process: its process.cpuUsage() from ready to lag 0 over the events it handled (learned + redeliveries it recognised as already applied).',
    'Not learned = produced − the gateways\' recsys_scored_events_total{result="learned"} summed: 0 means nothing lost and nothing applied twice (redeliveries after a rebalance are recognised by event id and counted as duplicates instead).',
  ];
  for (const r of rounds) {
    const label = `${r.gateways} gateway${r.gateways > 1 ? 's' : ''}`;
    rows.push(
      row({ scenario: 'g. several', metric: `events/s scored, ${label}`, unit: '/s', ours: r.drain.steadyRate, baseline: r.gateways > 1 && one ? one.drain.steadyRate : null, aim: '— (information)', holds: null }),
      row({ scenario: 'g. several', metric: `events not learned (produced − learned), ${label}`, unit: 'events', ours: total - r.learned, baseline: null, aim: '0', holds: r.learned === total }),
    );
    r.processes.forEach((p, i) => {
      const handled = p.learned + p.duplicates + p.invalid;
      rows.push(row({ scenario: 'g. several', metric: `CPU per event, process ${i + 1} of ${r.gateways}`, unit: 'µs CPU/event', ours: handled > 0 ? p.cpuMicros / handled : NaN, baseline: null, aim: '— (information)', holds: null }));
    });
    notes.push(
      `${label}: lag 0 after ${fmt(r.drain.secondsToZero)} s, ${fmtInt(r.drain.steadyRate)} events/s; ${fmtInt(r.learned)} learned of ${fmtInt(total)} produced, ${fmtInt(r.duplicates)} redeliveries recognised; all processes together ${fmt(r.window.cpuMicros / total)} µs CPU per event. Per process (partitions owned at the end, events learned, µs CPU per event handled): ${r.processes.map((p, i) => `#${i + 1} ${p.partitions} partitions, ${fmtInt(p.learned)} events, ${fmt(p.cpuMicros / Math.max(1, p.learned + p.duplicates + p.invalid))} µs`).join('; ')}.`,
      commandsNote(label, 'event', r.window, total),
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
        svg: lineChart(rounds.map((r) => ({ name: `${r.gateways} gateway(s)`, points: r.drain.lag })), { title: 'lag until 0', xLabel: 'seconds', yLabel: 'events behind' }),
      },
    ],
    notes,
    profiles: [],
    raw: { total, rounds: rounds.map((r) => ({ gateways: r.gateways, secondsToZero: r.drain.secondsToZero, steadyRate: r.drain.steadyRate, learned: r.learned, duplicates: r.duplicates, processes: r.processes, window: r.window })) },
  };
}
