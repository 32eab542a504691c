// a. Ingest: concurrent trackView over HTTP for a fixed time (autocannon), ours (each event
// acknowledged by Kafka before the answer) against the same server shape answering a mutation
// that writes nothing. Both servers run alone in a child process.
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { baselineEnv, gatewayEnv, row, type BenchContext, type ScenarioResult } from '../context';
import { startChild, type BenchChild } from '../procs';
import { lineChart } from '../svg';
import { fmtInt, latencyCurve, promSample, sleep } from '../stats';
import { summariseProfile } from '../profile';
import { commandsNote, openWindow, unitRows, type WindowResult } from '../window';

const QUERY = 'mutation($i: TrackViewInput!) { trackView(input: $i) { accepted eventId } }';

export interface LoadResult {
  accepted: number;
  refused: number;
  seconds: number;
  perSecond: number[];
  latency: autocannon.Histogram;
  errors: number;
  non2xx: number;
}

/**
 * `authorization(n)`: the bearer token request n presents (its shopper's, or admin for many shoppers' events);
 * `accepted`: whether an answer accepted its event, or how many events it accepted (trackEvents);
 * `eventsPerRequest`: how many each request sends, those not accepted counted refused.
 */
export async function runLoad(
  ctx: BenchContext,
  url: string,
  label: string,
  seconds: number,
  connections: number,
  body: (n: number) => string,
  authorization: (n: number) => string,
  accepted: (body: string) => number | boolean,
  eventsPerRequest = 1,
): Promise<LoadResult> {
  let acceptedEvents = 0;
  let refused = 0;
  let n = 0;
  const perSecond: number[] = [];
  let acceptedAtLastTick = 0;
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          ++n;
          return { ...req, body: body(n), headers: { ...req.headers, authorization: authorization(n) } };
        },
        onResponse: (status, text) => {
          const ok = status === 200 ? Number(accepted(text)) : 0; // true counts 1
          acceptedEvents += ok;
          refused += eventsPerRequest - ok;
        },
      },
    ],
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  const timer = setInterval(() => ctx.progress(`${label}: ${fmtInt(acceptedEvents)} ok, ${fmtInt(refused)} not`), 250);
  instance.on('tick', () => {
    perSecond.push(acceptedEvents - acceptedAtLastTick);
    acceptedAtLastTick = acceptedEvents;
  });
  const result = await instance;
  clearInterval(timer);
  return {
    accepted: acceptedEvents,
    refused,
    seconds: result.duration,
    perSecond,
    latency: result.latency,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

const trackUser = (n: number) => `bench-u${n % 5000}`;
const trackBody = (n: number) =>
  JSON.stringify({ query: QUERY, variables: { i: { userId: trackUser(n), productId: `bench-p${n % 2000}`, eventId: randomUUID() } } });
const runTrackLoad = (ctx: BenchContext, url: string, label: string, seconds: number, connections: number) =>
  runLoad(
    ctx,
    url,
    label,
    seconds,
    connections,
    trackBody,
    (n) => ctx.auth.shopper(trackUser(n)),
    (text) => text.includes('"accepted":true'),
  );

/** Baseline and ours under the same load, each alone in its own process after a 2 s warm-up; ours' /metrics scraped at the end. */
export async function loadBothServers(
  ctx: BenchContext,
  name: string,
  load: (url: string, label: string, seconds: number) => Promise<LoadResult>,
): Promise<{
  baseline: LoadResult;
  baseWindow: WindowResult;
  ours: LoadResult;
  oursWindow: WindowResult;
  scrape: string;
  profiles: ScenarioResult['profiles'];
}> {
  const seconds = ctx.options.quick ? 5 : 20;
  let baseline: LoadResult;
  let baseWindow: WindowResult;
  const base: BenchChild = await startChild('baseline-http', { env: baselineEnv(ctx) });
  try {
    await load(base.url, `${name} warm-up (baseline)`, 2);
    const close = await openWindow([base], null);
    baseline = await load(base.url, `${name} baseline`, seconds);
    baseWindow = await close();
  } finally {
    await base.stop();
  }
  ctx.done(`${name} baseline: ${fmtInt(baseline.accepted / baseline.seconds)} events/s, p99 ${baseline.latency.p99} ms`);
  return { baseline, baseWindow, ...(await loadGateway(ctx, name, load)) };
}

/** Our gateway alone in its own process (fresh prefixes) under `load` after a 2 s warm-up; `env` adds to the bench's gateway settings. */
export async function loadGateway(
  ctx: BenchContext,
  name: string,
  load: (url: string, label: string, seconds: number) => Promise<LoadResult>,
  env: Record<string, string> = {},
): Promise<{ ours: LoadResult; oursWindow: WindowResult; scrape: string; profiles: ScenarioResult['profiles'] }> {
  const seconds = ctx.options.quick ? 5 : 20;
  const profiles: ScenarioResult['profiles'] = [];
  let ours: LoadResult;
  let oursWindow: WindowResult;
  let scrape: string;
  const slug = name.replace(/\W+/g, '-');
  const profileDir = `${ctx.profileDir}/${slug}`;
  const gw = await startChild('gateway', { env: gatewayEnv(ctx, ctx.id(slug), env), cpuProfDir: ctx.options.profile ? profileDir : undefined });
  try {
    await load(gw.url, `${name} warm-up (ours)`, 2);
    const close = await openWindow([gw], ctx.redisMeter);
    ours = await load(gw.url, `${name} ours`, seconds);
    // The events accepted last are still being scored in the same process: their work belongs in.
    await sleep(200);
    oursWindow = await close();
    scrape = await gw.metrics();
  } finally {
    await gw.stop();
  }
  if (ctx.options.profile) profiles.push({ label: `gateway during ${name}`, summary: await summariseProfile(profileDir) });
  ctx.done(`${name} ours: ${fmtInt(ours.accepted / ours.seconds)} events/s accepted, p99 ${ours.latency.p99} ms`);
  return { ours, oursWindow, scrape, profiles };
}

export async function ingestScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const seconds = ctx.options.quick ? 5 : 20;
  const connections = 32;
  const notes: string[] = [];
  const { baseline, baseWindow, ours, oursWindow, scrape, profiles } = await loadBothServers(ctx, 'ingest', (url, label, s) =>
    runTrackLoad(ctx, url, label, s, connections),
  );

  const batches = promSample(scrape, 'recsys_produce_batch_size_count');
  const events = promSample(scrape, 'recsys_produce_batch_size_sum');
  notes.push(
    `${connections} concurrent connections, ${seconds} s each after a 2 s warm-up; the gateway's per-user and per-address track limits are off (RECSYS_TRACK_RATE_*_PER_SECOND=0) because the bench sends from one address.`,
    `Ours answers accepted only after Kafka acknowledged (acks=all, idempotent producer) and scores every event in the same process meanwhile (the stream module runs inside the gateway, as deployed).`,
    `Produce requests during the run (whole gateway life): ${fmtInt(batches)}, mean ${(events / batches).toFixed(1)} events per request (natural batching).`,
    `Refused or failed: ours ${ours.refused} (errors ${ours.errors}), baseline ${baseline.refused} (errors ${baseline.errors}).`,
    `CPU per event: the child's process.cpuUsage() (user + system) over the measured ${seconds} s (ours: plus 200 ms for the last events' scoring) divided by the events accepted; ours includes scoring every event in the same process, the baseline writes nothing. Ours ${fmtInt(oursWindow.cpuMicros / ours.accepted)} µs, baseline ${fmtInt(baseWindow.cpuMicros / baseline.accepted)} µs per request.`,
    commandsNote('Ours', 'event', oursWindow, ours.accepted),
  );
  const oursRate = ours.accepted / ours.seconds;
  const baseRate = baseline.accepted / baseline.seconds;
  return {
    id: 'a',
    title: 'Ingest: trackView over HTTP',
    rows: [
      row({
        scenario: 'a. ingest',
        metric: 'events/s accepted',
        unit: '/s',
        ours: oursRate,
        baseline: baseRate,
        aim: '≥ 0.7× baseline',
        holds: oursRate >= 0.7 * baseRate,
      }),
      row({ scenario: 'a. ingest', metric: 'p50 latency', unit: 'ms', ours: ours.latency.p50, baseline: baseline.latency.p50, aim: '—', holds: null }),
      row({
        scenario: 'a. ingest',
        metric: 'p99 latency',
        unit: 'ms',
        ours: ours.latency.p99,
        baseline: baseline.latency.p99,
        aim: '< 50 ms',
        holds: ours.latency.p99 < 50,
      }),
      ...unitRows({
        scenario: 'a. ingest',
        unit: 'event',
        ours: { window: oursWindow, units: ours.accepted },
        baseline: { window: baseWindow, units: baseline.accepted },
        redis: true,
      }),
    ],
    charts: [
      {
        file: 'ingest-latency.svg',
        caption: 'Ingest: latency percentiles (ms, log scale)',
        svg: lineChart(
          [
            { name: 'ours', points: latencyCurve(ours.latency) },
            { name: 'baseline', points: latencyCurve(baseline.latency) },
          ],
          {
            title: 'trackView latency by percentile',
            xLabel: 'percentile',
            yLabel: 'ms',
            logY: true,
            reference: { y: 50, label: 'aim p99 < 50 ms' },
          },
        ),
      },
      {
        file: 'ingest-throughput.svg',
        caption: 'Ingest: accepted events per second over the run',
        svg: lineChart(
          [
            { name: 'ours', points: ours.perSecond.map((v, i) => [i + 1, v]) },
            { name: 'baseline', points: baseline.perSecond.map((v, i) => [i + 1, v]) },
          ],
          { title: 'accepted per second', xLabel: 'second', yLabel: 'events/s' },
        ),
      },
    ],
    notes,
    profiles,
    raw: {
      ours: { ...ours, latency: undefined, p50: ours.latency.p50, p99: ours.latency.p99, window: oursWindow },
      baseline: { ...baseline, latency: undefined, p50: baseline.latency.p50, p99: baseline.latency.p99, window: baseWindow },
    },
  };
}
