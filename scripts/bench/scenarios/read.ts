// e. Read: the recommendations query (stored list + products through the request's DataLoader,
// one MGET) under concurrent load, the catalogue and every shopper's list in Redis. Baseline: the
// same query on the same server shape answering a constant list from memory.
import Redis from 'ioredis';
import { RedisStore } from '../../../src/store/redisStore';
import { baselineEnv, gatewayEnv, row, type BenchContext, type ScenarioResult } from '../context';
import { startChild } from '../procs';
import { summariseProfile } from '../profile';
import { fmtInt, latencyCurve } from '../stats';
import { lineChart } from '../svg';
import { catalogue, rng } from '../workload';
import { runLoad, type LoadResult } from './ingest';
import { commandsNote, openWindow, unitRows, type WindowResult } from '../window';

const QUERY = 'query($u: ID!) { recommendations(userId: $u, limit: 10) { userId version items { score reason product { id name category price } } } }';

export async function readScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const seconds = ctx.options.quick ? 4 : 15;
  const connections = 32;
  const shoppers = 2000;
  const id = ctx.id('read');
  const products = catalogue(id, 5000);
  const redis = new Redis(ctx.redisUrl);
  const store = new RedisStore(redis, id);
  const random = rng(5);
  await store.upsertProducts(products);
  for (let u = 0; u < shoppers; u += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, shoppers - u) }, (_, k) =>
        store.putRecs(`${id}-u${u + k}`, {
          generatedAt: new Date().toISOString(),
          strategy: 'personalized',
          arm: null,
          items: Array.from({ length: 20 }, (_, i) => ({
            productId: products[Math.floor(random() * products.length)]!.id,
            score: 20 - i,
            reason: 'ALSO_VIEWED' as const,
          })),
        }),
      ),
    );
  }
  redis.disconnect();
  const shopper = (n: number) => `${id}-u${n % shoppers}`;
  const body = (n: number) => JSON.stringify({ query: QUERY, variables: { u: shopper(n) } });
  const token = (n: number) => ctx.auth.shopper(shopper(n));
  const ok = (text: string) => text.startsWith('{"data":{"recommendations":{');
  const profiles: ScenarioResult['profiles'] = [];

  let baseline: LoadResult;
  let baseWindow: WindowResult;
  const base = await startChild('baseline-http', { env: baselineEnv(ctx) });
  try {
    await runLoad(ctx, base.url, 'read warm-up (baseline)', 2, connections, body, token, ok);
    const close = await openWindow([base], null);
    baseline = await runLoad(ctx, base.url, 'read baseline', seconds, connections, body, token, ok);
    baseWindow = await close();
  } finally {
    await base.stop();
  }
  ctx.done(`read baseline: ${fmtInt(baseline.accepted / baseline.seconds)} queries/s, p99 ${baseline.latency.p99} ms`);
  let ours: LoadResult;
  let oursWindow: WindowResult;
  const gw = await startChild('gateway', { env: gatewayEnv(ctx, id), cpuProfDir: ctx.options.profile ? `${ctx.profileDir}/read` : undefined });
  try {
    await runLoad(ctx, gw.url, 'read warm-up (ours)', 2, connections, body, token, ok);
    const close = await openWindow([gw], ctx.redisMeter);
    ours = await runLoad(ctx, gw.url, 'read ours', seconds, connections, body, token, ok);
    oursWindow = await close();
  } finally {
    await gw.stop();
  }
  if (ctx.options.profile) profiles.push({ label: 'gateway serving reads', summary: await summariseProfile(`${ctx.profileDir}/read`) });
  ctx.done(`read ours: ${fmtInt(ours.accepted / ours.seconds)} queries/s, p99 ${ours.latency.p99} ms`);
  const oursRate = ours.accepted / ours.seconds;
  const baseRate = baseline.accepted / baseline.seconds;
  return {
    id: 'e',
    title: 'Read: recommendations query',
    rows: [
      row({ scenario: 'e. read', metric: 'queries/s', unit: '/s', ours: oursRate, baseline: baseRate, aim: '— (information)', holds: null }),
      row({
        scenario: 'e. read',
        metric: 'p99 latency',
        unit: 'ms',
        ours: ours.latency.p99,
        baseline: baseline.latency.p99,
        aim: '< 50 ms (ours)',
        holds: ours.latency.p99 < 50,
      }),
      ...unitRows({
        scenario: 'e. read',
        unit: 'query',
        ours: { window: oursWindow, units: ours.accepted },
        baseline: { window: baseWindow, units: baseline.accepted },
        redis: true,
      }),
    ],
    charts: [
      {
        file: 'read-latency.svg',
        caption: 'Read: latency percentiles (ms, log scale)',
        svg: lineChart(
          [
            { name: 'ours', points: latencyCurve(ours.latency) },
            { name: 'baseline', points: latencyCurve(baseline.latency) },
          ],
          { title: 'recommendations query latency', xLabel: 'percentile', yLabel: 'ms', logY: true },
        ),
      },
      {
        file: 'read-throughput.svg',
        caption: 'Read: answered queries per second',
        svg: lineChart(
          [
            { name: 'ours', points: ours.perSecond.map((v, i) => [i + 1, v]) },
            { name: 'baseline', points: baseline.perSecond.map((v, i) => [i + 1, v]) },
          ],
          { title: 'queries per second', xLabel: 'second', yLabel: 'queries/s' },
        ),
      },
    ],
    notes: [
      `${connections} connections, ${seconds} s after a 2 s warm-up; ${fmtInt(shoppers)} shoppers each with a stored list of 20 over a ${fmtInt(products.length)}-product catalogue; limit 10, every item's product resolved (one MGET per request through the DataLoader).`,
      `Not ok: ours ${ours.refused} (errors ${ours.errors}), baseline ${baseline.refused}.`,
      `CPU per query: the child's process.cpuUsage() (user + system) over the measured ${seconds} s divided by the queries answered: ours ${fmtInt(oursWindow.cpuMicros / ours.accepted)} µs, baseline ${fmtInt(baseWindow.cpuMicros / baseline.accepted)} µs.`,
      commandsNote('Ours', 'query', oursWindow, ours.accepted),
    ],
    profiles,
    raw: {
      ours: { rate: oursRate, p50: ours.latency.p50, p99: ours.latency.p99, window: oursWindow },
      baseline: { rate: baseRate, p50: baseline.latency.p50, p99: baseline.latency.p99, window: baseWindow },
    },
  };
}
