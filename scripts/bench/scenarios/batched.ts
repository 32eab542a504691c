// f. Batched ingest: trackEvents calls of BATCH mixed events over HTTP for a fixed time
// (autocannon), ours (every event acknowledged by Kafka before the answer, scored in the same
// process meanwhile) against the no-op server answering the same batches without writing.
import { randomUUID } from 'node:crypto';
import { row, type BenchContext, type ScenarioResult } from '../context';
import { lineChart } from '../svg';
import { fmtInt, promSample } from '../stats';
import { loadBothServers, loadGateway, runLoad } from './ingest';
import { commandsNote, unitRows } from '../window';

const BATCH = 500;
const QUERY = 'mutation TrackEvents($input: [TrackEventInput!]!) { trackEvents(input: $input) { accepted eventId error { code } } }';
const AIM = 10_000;

/** One call's events: mostly views, some carts and purchases (roughly a shop's mix), spread over 5,000 shoppers. */
function batchBody(n: number): string {
  const input = Array.from({ length: BATCH }, (_, i) => {
    const k = n * BATCH + i;
    const common = { userId: `bench-u${k % 5000}`, eventId: randomUUID() };
    if (k % 20 === 0) return { type: 'PURCHASE', ...common, orderId: `bench-o${k}`, items: [{ productId: `bench-p${k % 2000}`, quantity: 1, price: 9.5 }] };
    if (k % 10 === 0) return { type: 'ADD_TO_CART', ...common, productId: `bench-p${k % 2000}` };
    return { type: 'VIEW', ...common, productId: `bench-p${k % 2000}` };
  });
  return JSON.stringify({ query: QUERY, variables: { input } });
}

/** Accepted events in one answer (each appears as "accepted":true). */
const acceptedIn = (text: string) => text.split('"accepted":true').length - 1;

const runBatchLoad = (ctx: BenchContext, url: string, label: string, seconds: number, connections: number) =>
  runLoad(ctx, url, label, seconds, connections, batchBody, () => ctx.auth.admin(), acceptedIn, BATCH); // 5,000 shoppers' events per call: a forwarder's admin token

export async function batchedScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const seconds = ctx.options.quick ? 5 : 20;
  const connections = 8;
  const { baseline, baseWindow, ours, oursWindow, scrape, profiles } = await loadBothServers(ctx, 'batched ingest', (url, label, s) =>
    runBatchLoad(ctx, url, label, s, connections),
  );
  // Diagnostic: the same gateway with its in-process scoring held (every scored batch waits 120 s,
  // the fault suite's knob), to tell the ingest path's own capacity from the scoring sharing its CPU.
  const held = await loadGateway(
    ctx,
    'batched ingest, scoring held',
    (url, label, s) => runBatchLoad(ctx, url, label, s, connections), // The knob is refused in production: this diagnostic gateway alone runs in development mode.
    { RECSYS_TEST_SCORING_DELAY_MS: '120000', NODE_ENV: 'development' },
  );
  const oursRate = ours.accepted / ours.seconds;
  const baseRate = baseline.accepted / baseline.seconds;
  const heldRate = held.ours.accepted / held.ours.seconds;

  const requests = promSample(scrape, 'recsys_produce_batch_size_count');
  const produced = promSample(scrape, 'recsys_produce_batch_size_sum');
  return {
    id: 'f',
    title: `Batched ingest: trackEvents of ${BATCH} events over HTTP`,
    rows: [
      row({
        scenario: 'f. batched ingest',
        metric: 'events/s accepted',
        unit: '/s',
        ours: oursRate,
        baseline: baseRate,
        aim: `≥ ${fmtInt(AIM)}/s`,
        holds: oursRate >= AIM,
      }),
      row({
        scenario: 'f. batched ingest',
        metric: 'p99 latency per call',
        unit: 'ms',
        ours: ours.latency.p99,
        baseline: baseline.latency.p99,
        aim: '—',
        holds: null,
      }),
      row({
        scenario: 'f. batched ingest',
        metric: 'events/s, scoring held (diagnostic)',
        unit: '/s',
        ours: heldRate,
        baseline: baseRate,
        aim: '—',
        holds: null,
      }),
      ...unitRows({
        scenario: 'f. batched ingest',
        unit: 'event',
        ours: { window: oursWindow, units: ours.accepted },
        baseline: { window: baseWindow, units: baseline.accepted },
        redis: true,
      }),
    ],
    charts: [
      {
        file: 'batched-throughput.svg',
        caption: 'Batched ingest: accepted events per second over the run',
        svg: lineChart(
          [
            { name: 'ours', points: ours.perSecond.map((v, i) => [i + 1, v]) },
            { name: 'baseline', points: baseline.perSecond.map((v, i) => [i + 1, v]) },
          ],
          { title: 'accepted events per second', xLabel: 'second', yLabel: 'events/s', reference: { y: AIM, label: `aim ${fmtInt(AIM)}/s` } },
        ),
      },
    ],
    notes: [
      `${connections} concurrent connections each sending trackEvents calls of ${BATCH} events (90 % views, 5 % carts, 5 % purchases, 5,000 shoppers), ${seconds} s after a 2 s warm-up; the baseline is the no-op server answering the same calls accepted without writing. Track limits off as in a.`,
      `Ours answers each event accepted only after Kafka acknowledged it (acks=all) and scores every event in the same process meanwhile. The diagnostic row runs a fresh gateway with scoring held (RECSYS_TEST_SCORING_DELAY_MS=120000: each scored batch waits 120 s; a fault-testing knob refused in production, so this one gateway runs with NODE_ENV=development, graphql-js's development checks on), so only the ingest path uses its CPU: ${fmtInt(heldRate)} events/s (p99 ${held.ours.latency.p99} ms per call).`,
      `Produce requests (whole gateway life): ${fmtInt(requests)}, mean ${(produced / requests).toFixed(1)} events per request.`,
      commandsNote('Ours', 'event', oursWindow, ours.accepted),
      `Events refused or failed: ours ${fmtInt(ours.refused)} (request errors ${ours.errors}, non-2xx ${ours.non2xx}), baseline ${fmtInt(baseline.refused)} (request errors ${baseline.errors}).`,
    ],
    profiles: [...profiles, ...held.profiles],
    raw: {
      held: { ...held.ours, latency: undefined, p50: held.ours.latency.p50, p99: held.ours.latency.p99 },
      ours: { ...ours, latency: undefined, p50: ours.latency.p50, p99: ours.latency.p99 },
      baseline: { ...baseline, latency: undefined, p50: baseline.latency.p50, p99: baseline.latency.p99 },
    },
  };
}
