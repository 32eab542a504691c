// d. Subscribers held: a fresh gateway child, websocket subscriptions opened in steps; at each
// step the child's memory after a full GC (RSS and heap, minus the same before any subscription)
// per subscription, and the push latency of a short burst of events to subscribed shoppers.
import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { RedisStore } from '../../../src/store/redisStore';
import { gatewayEnv, row, type BenchContext, type Row, type ScenarioResult } from '../context';
import { startChild, type MemorySample } from '../procs';
import { sendAtRate, trackView } from '../sender';
import { distribution, fmt, fmtInt, sleep, waitFor } from '../stats';
import { lineChart } from '../svg';
import { openSubscribers, type Subscribers } from '../ws';
import { catalogue, pickProduct, rng } from '../workload';
import { openWindow } from '../window';

interface Step {
  subscriptions: number;
  rssKb: number;
  heapKb: number;
  /** V8 heap reserved (used or not), and memory outside the JS heap held by JS objects (buffers). */
  heapTotalKb: number;
  externalKb: number;
  p50: number;
  p99: number;
  pushes: number;
  /** Growth of the private Redis's used_memory per subscription opened in this step (one channel SUBSCRIBE each). */
  redisBytes: number;
  /** The gateway's CPU during the burst, per push received. */
  cpuPerPush: number;
}

/**
 * The information step, capped at what one bench process can hold against one gateway process on
 * this machine: a socket per subscription on each side (open files limit) from one local address
 * (ephemeral ports). Says so in the notes when it caps.
 */
function informationStep(wanted: number, after: number, notes: string[]): number[] {
  const limits: string[] = [];
  let capacity = wanted;
  try {
    const files = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (files) {
      capacity = Math.min(capacity, Number(files[1]) - 2000);
      limits.push(`open files limit ${fmtInt(Number(files[1]))}`);
    }
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined) {
      capacity = Math.min(capacity, high - low + 1 - 2000);
      limits.push(`${fmtInt(high - low + 1)} ephemeral ports`);
    }
  } catch {
    // Not Linux: try the full step.
  }
  const target = Math.floor(capacity / 1000) * 1000;
  if (target >= wanted) return [wanted];
  if (target <= after) {
    notes.push(`The ${fmtInt(wanted)} step was skipped: this machine allows about ${fmtInt(capacity)} sockets from one process (${limits.join(', ')}).`);
    return [];
  }
  notes.push(
    `The ${fmtInt(wanted)} step was capped at ${fmtInt(target)}: this machine allows about ${fmtInt(capacity)} sockets from one process (${limits.join(', ')}).`,
  );
  return [target];
}

export async function heldScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const quick = ctx.options.quick;
  // The aim is judged at the last aimed step; 50,000 (full run) is an information row.
  const aimed = quick ? [1000, 3000] : [1000, 5000, 10_000];
  const notes: string[] = [];
  const steps = quick ? aimed : [...aimed, ...informationStep(50_000, aimed[aimed.length - 1]!, notes)];
  const id = ctx.id('held');
  const products = catalogue(id, 2000);
  const redis = new Redis(ctx.redisUrl);
  await new RedisStore(redis, id).upsertProducts(products);
  const gw = await startChild('gateway', { env: gatewayEnv(ctx, id, { RECSYS_WS_MAX_SUBSCRIPTIONS: '1' }) });
  const held: Subscribers[] = [];
  const results: Step[] = [];
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  const random = rng(11);
  try {
    await sleep(500);
    const before: MemorySample = await gw.memory();
    // Redis memory is read before each step's subscriptions and before its burst of views, so
    // the states those views write are not counted as the next step's subscriptions.
    let redisMark = (await ctx.redisMeter.read()).usedMemory;
    let open = 0;
    for (const target of steps) {
      // A failure on the information step (past the aim) leaves the aimed rows standing.
      if (target > aimed[aimed.length - 1]!) {
        try {
          await step(target);
        } catch (err) {
          notes.push(`Step ${fmtInt(target)} (information) failed after ${fmtInt(open)} subscriptions: ${err instanceof Error ? err.message : String(err)}`);
        }
        break;
      }
      if (!(await step(target))) break;
    }
    /** Opens subscriptions up to `target`, measures; false when fewer came up. */
    async function step(target: number): Promise<boolean> {
      const openBefore = open;
      const users = Array.from({ length: target - open }, (_, i) => `${id}-u${open + i}`);
      const subs = await openSubscribers(
        gw.wsUrl,
        users,
        (userId, _v, at) => {
          const t = pending.get(userId);
          if (t !== undefined) {
            latencies.push(at - t);
            pending.delete(userId);
          }
        },
        (n) => ctx.progress(`held: ${fmtInt(open + n)}/${fmtInt(target)} subscriptions`),
        quick ? 60_000 : 180_000,
        ctx.auth.shopper,
      );
      held.push(subs);
      open += subs.ready();
      if (subs.ready() < users.length) {
        notes.push(`Step ${fmtInt(target)}: only ${fmtInt(open)} subscriptions came up (${subs.errors()} errors) within the time allowed; stopped there.`);
      }
      await sleep(1000);
      const mem = await gw.memory();
      const redisPerSub = ((await ctx.redisMeter.read()).usedMemory - redisMark) / (open - openBefore);
      // A burst of views to subscribed shoppers, 200/s.
      latencies.length = 0;
      pending.clear();
      const burst = quick ? 200 : 400;
      const close = await openWindow([gw], null);
      await sendAtRate(
        burst,
        200,
        128,
        async () => {
          const userId = `${id}-u${Math.floor(random() * open)}`;
          const ok = await trackView(gw.url, userId, pickProduct(random, products).id, ctx.auth.shopper(userId));
          if (ok) pending.set(userId, performance.now());
          return ok;
        },
        () => ctx.progress(`held: ${fmtInt(open)} subscriptions, push burst`),
      );
      await waitFor(() => pending.size === 0, 3000);
      const burstWindow = await close();
      redisMark = (await ctx.redisMeter.read()).usedMemory;
      const d = distribution(latencies);
      const measured: Step = {
        subscriptions: open,
        rssKb: (mem.rss - before.rss) / 1024 / open,
        heapKb: (mem.heapUsed - before.heapUsed) / 1024 / open,
        heapTotalKb: (mem.heapTotal - before.heapTotal) / 1024 / open,
        externalKb: (mem.external - before.external) / 1024 / open,
        p50: d.p50,
        p99: d.p99,
        pushes: d.count,
        redisBytes: redisPerSub,
        cpuPerPush: burstWindow.cpuMicros / d.count,
      };
      results.push(measured);
      ctx.done(
        `held: ${fmtInt(open)} subscriptions, ${fmt(measured.rssKb)} KB RSS and ${fmt(measured.heapKb)} KB heap used (${fmt(measured.heapTotalKb)} reserved) each, push p99 ${fmt(d.p99)} ms`,
      );
      return open >= target;
    }
  } finally {
    for (const s of held) await s.dispose();
    await gw.stop();
    redis.disconnect();
  }
  const last = results[results.length - 1];
  notes.push(
    'Memory per subscription = (gateway child memory after a full GC with N subscriptions - the same before any) / N; each subscription has its own websocket, so socket buffers are included.',
    'Push latency per step: a burst of views (200/s) to random subscribed shoppers, mutation answer to push.',
    "Redis memory per subscription: growth of the private redis-server's used_memory (INFO memory) while a step's subscriptions opened, divided by the subscriptions it opened (the gateway holds one SUBSCRIBE per subscribed shopper's channel); the bursts of views are outside these readings.",
    ...results.map(
      (s) =>
        `${fmtInt(s.subscriptions)} subscriptions: ${fmt(s.rssKb)} KB RSS, ${fmt(s.heapKb)} KB heap used (${fmt(s.heapTotalKb)} KB heap reserved, ${fmt(s.externalKb)} KB external) per subscription, ${fmtInt(s.redisBytes)} B of Redis memory; push p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms (${s.pushes} pushes, ${fmtInt(s.cpuPerPush)} µs gateway CPU each).`,
    ),
  );
  const target = aimed[aimed.length - 1]!;
  // The step that reached (or was meant to reach) the aimed count; later steps are information.
  const judged = results.find((s) => s.subscriptions >= target) ?? results.filter((s) => s.subscriptions < target).pop();
  const rows: Row[] = results.map((s) => {
    const information = s.subscriptions > target || (s !== judged && s.subscriptions >= target);
    return row({
      scenario: 'd. held',
      metric: `RSS per subscription @ ${fmtInt(s.subscriptions)}`,
      unit: 'KB',
      ours: s.rssKb,
      baseline: null,
      aim: information ? 'information' : s === judged ? `${fmtInt(target)} subs at < 20 KB` : '< 20 KB',
      holds: information ? null : s === judged ? s.subscriptions >= target && s.rssKb < 20 : s.rssKb < 20,
    });
  });
  if (last) {
    rows.push(
      row({ scenario: 'd. held', metric: `push p99 @ ${fmtInt(last.subscriptions)}`, unit: 'ms', ours: last.p99, baseline: null, aim: '—', holds: null }),
      row({
        scenario: 'd. held',
        metric: `CPU per push @ ${fmtInt(last.subscriptions)}`,
        unit: 'µs CPU/push',
        ours: last.cpuPerPush,
        baseline: null,
        aim: '— (information)',
        holds: null,
      }),
      row({
        scenario: 'd. held',
        metric: `Redis memory per subscription @ ${fmtInt(last.subscriptions)}`,
        unit: 'B',
        ours: last.redisBytes,
        baseline: null,
        aim: '— (information)',
        holds: null,
      }),
    );
  }
  return {
    id: 'd',
    title: 'Subscribers held',
    rows,
    charts: [
      {
        file: 'held-memory.svg',
        caption: 'Memory per subscription by step (KB)',
        svg: lineChart(
          [
            { name: 'RSS / sub', points: results.map((s) => [s.subscriptions, s.rssKb]) },
            { name: 'heap / sub', points: results.map((s) => [s.subscriptions, s.heapKb]) },
          ],
          {
            title: 'memory per subscription',
            xLabel: 'subscriptions open',
            yLabel: 'KB',
            reference: { y: 20, label: 'aim < 20 KB' },
          },
        ),
      },
      {
        file: 'held-latency.svg',
        caption: 'Push latency by step (ms)',
        svg: lineChart(
          [
            { name: 'p50', points: results.map((s) => [s.subscriptions, s.p50]) },
            { name: 'p99', points: results.map((s) => [s.subscriptions, s.p99]) },
          ],
          {
            title: 'push latency while holding',
            xLabel: 'subscriptions open',
            yLabel: 'ms',
          },
        ),
      },
    ],
    notes,
    profiles: [],
    raw: { steps: results },
  };
}
