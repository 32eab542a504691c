// h. Refresh CPU: what recomputing one subscribed shopper's list costs this process in CPU
// (process.cpuUsage, user + system), on the bench's synthetic shop in Redis. The scorer of this
// process learns a history of events (nobody listening: nothing is refreshed), then takes the next
// events in rounds of one 100 ms batch at 500 events/s (the push scenario's rate); after each round
// every shopper it touched is handed to the scorer's own refresh queue, as if subscribed, and the
// CPU from handing them over to the queue going idle is divided by the lists refreshed. The figure
// is the median over rounds. Redis's own CPU (the scripts, the sorted-set reads) is not in it.
import Redis from 'ioredis';
import { defaultFlags } from '../../../src/flags/definitions';
import { MemoryDeadLetters } from '../../../src/log/deadLetters';
import { Recommender } from '../../../src/recommender/recommender';
import { RANKING } from '../../../src/recommend';
import { failingAsUnavailable } from '../../../src/store/redisErrors';
import { RedisStore } from '../../../src/store/redisStore';
import { createScorer, type ScoredRecord } from '../../../src/streams/scorer';
import { row, type BenchContext, type ScenarioResult } from '../context';
import { distribution, fmt, fmtInt, sleep } from '../stats';
import { catalogue, makeEvents } from '../workload';

const SHOPPERS = 1000;
const RATE = 500;
const ROUND_MS = 100;

export async function refreshScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const quick = ctx.options.quick;
  const historyEvents = 10_000;
  const rounds = quick ? 40 : 200;
  const perRound = (RATE * ROUND_MS) / 1000;
  const id = ctx.id('refresh');
  const source = `${id}-events/0`;
  const products = catalogue(id, 2000);
  const events = makeEvents(id, historyEvents + rounds * perRound, SHOPPERS, products, 11);
  // The store as the gateway builds it (src/app.ts): auto-pipelined client, neighbour copies cut to what is read.
  const redis = new Redis(ctx.redisUrl, { enableAutoPipelining: true });
  const store = failingAsUnavailable(new RedisStore(redis, id, { neighbourItems: RANKING.neighbourhood.itemsPerNeighbour }));
  const flags = defaultFlags();
  const scorer = createScorer({ store, recommender: new Recommender({ store, flags: () => flags }), flags: () => flags, deadLetters: new MemoryDeadLetters() });
  const perRefresh: number[] = [];
  let refreshed = 0;
  let wallMs = 0;
  try {
    await store.upsertProducts(products);
    const records: ScoredRecord[] = events.map((event, offset) => ({ offset, event }));
    for (let i = 0; i < historyEvents; i += 500) {
      await scorer.scoreBatch(source, records.slice(i, Math.min(i + 500, historyEvents)));
      ctx.progress(`refresh: learning the history, ${fmtInt(i + 500)}/${fmtInt(historyEvents)} events`);
    }
    ctx.done(`refresh: ${fmtInt(historyEvents)} events of ${fmtInt(SHOPPERS)} shoppers over ${fmtInt(products.length)} products learned`);
    for (let r = 0; r < rounds; r++) {
      const started = performance.now();
      const batch = records.slice(historyEvents + r * perRound, historyEvents + (r + 1) * perRound);
      await scorer.scoreBatch(source, batch);
      const userIds = [...new Set(batch.map((b) => b.event.userId))];
      const states = await store.loadUsers(userIds);
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      for (const userId of userIds) scorer.refreshes.schedule(userId, states.get(userId)!, {});
      await scorer.refreshes.idle();
      wallMs += performance.now() - t0;
      const used = process.cpuUsage(cpu);
      perRefresh.push((used.user + used.system) / userIds.length);
      refreshed += userIds.length;
      ctx.progress(`refresh: round ${r + 1}/${rounds}, ${fmt(perRefresh[perRefresh.length - 1]!, 0)} µs CPU per list`);
      await sleep(Math.max(0, ROUND_MS - (performance.now() - started)));
    }
  } finally {
    await store.clear().catch(() => {});
    redis.disconnect();
  }
  const d = distribution(perRefresh);
  ctx.done(`refresh: ${fmtInt(refreshed)} lists in ${rounds} rounds, CPU per list p50 ${fmt(d.p50, 0)} µs, p90 ${fmt(d.p90, 0)} µs`);
  return {
    id: 'h',
    title: 'Refresh CPU',
    rows: [
      row({ scenario: 'h. refresh', metric: 'refresh CPU, median', unit: 'µs', ours: d.p50, baseline: null, aim: '≤ 1,000 µs', holds: d.p50 <= 1000 }),
      row({ scenario: 'h. refresh', metric: 'refresh CPU, p90 of rounds', unit: 'µs', ours: d.p90, baseline: null, aim: '— (information)', holds: null }),
    ],
    charts: [],
    notes: [
      `${fmtInt(SHOPPERS)} shoppers, ${fmtInt(products.length)} products; ${fmtInt(historyEvents)} events learned first, then ${rounds} rounds of ${perRound} events (one every ${ROUND_MS} ms, ${RATE} events/s), each touched shopper's list refreshed through the scorer's refresh queue as if subscribed.`,
      `CPU of the bench process (process.cpuUsage, user + system) from handing a round's shoppers to the queue until it is idle, divided by the lists refreshed; median ${fmt(d.p50, 0)} µs, p90 ${fmt(d.p90, 0)} µs, max ${fmt(d.max, 0)} µs over ${rounds} rounds (${fmtInt(refreshed)} lists, ${fmt(wallMs / refreshed, 2)} ms wall per list). Redis's own CPU is not counted.`,
    ],
    profiles: [],
    raw: { perRefresh: d, refreshed, rounds },
  };
}
