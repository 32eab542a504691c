// The stream protocol: one replay of all events in time order. Events before the test period
// are only learnt; for each event in the test period (the last `testFraction` of the time span)
// the method is first asked for recommendations for that event's session as it stood just before
// (test), and only then learns the event (learn). A method therefore never sees the event it is
// asked to predict. Events that open a session are learnt but not predicted (there is no session
// context yet). Targets are not filtered: an item never seen before counts as a miss.
import { MetricAccumulator } from '../metrics';
import type { Progress } from '../report/progress';
import type { EvalEvent, SessionContext, SessionRecommender } from '../types';
import { LatencySample, nowMs, type MethodResult } from './common';

export interface StreamOptions {
  /** Fraction of the time span, at the end, whose events are predicted. Default 0.2. */
  testFraction?: number;
}

export interface StreamPlan {
  /** All events in time order (stable). */
  events: EvalEvent[];
  testStart: number;
  stats: {
    events: number;
    sessions: number;
    items: number;
    warmupEvents: number;
    testEvents: number;
    /** Test events with an earlier event in their session: the predictions. */
    predictions: number;
    testStart: number;
    start: number;
    end: number;
  };
}

export function planStream(input: readonly EvalEvent[], { testFraction = 0.2 }: StreamOptions = {}): StreamPlan {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  const events = input.map((e, i) => ({ e, i }));
  events.sort((a, b) => a.e.ts - b.e.ts || a.i - b.i);
  const ordered = events.map((x) => x.e);
  const start = ordered[0]?.ts ?? 0;
  const end = ordered[ordered.length - 1]?.ts ?? 0;
  const testStart = start + (1 - testFraction) * (end - start);
  const seen = new Set<string>();
  const items = new Set<string>();
  let warmup = 0;
  let predictions = 0;
  for (const e of ordered) {
    items.add(e.itemId);
    if (e.ts < testStart) warmup++;
    else if (seen.has(e.sessionId)) predictions++;
    seen.add(e.sessionId);
  }
  return {
    events: ordered,
    testStart,
    stats: {
      events: ordered.length,
      sessions: seen.size,
      items: items.size,
      warmupEvents: warmup,
      testEvents: ordered.length - warmup,
      predictions,
      testStart,
      start,
      end,
    },
  };
}

export function streamWork(plan: StreamPlan): number {
  return plan.stats.events + plan.stats.predictions;
}

interface LiveSession {
  items: string[];
  events: EvalEvent[];
}

export function evaluateStream(
  method: SessionRecommender,
  methodSpec: string,
  plan: StreamPlan,
  k: number,
  progress?: Progress,
  /** Receives every prediction; pass one in to keep the per-prediction ranks (paired comparison). */
  acc: MetricAccumulator = new MetricAccumulator(k),
): MethodResult {
  const latency = new LatencySample();
  const sessions = new Map<string, LiveSession>();
  const catalogue = new Set<string>();
  let learnMs = 0;
  let predictMs = 0;
  for (const e of plan.events) {
    let live = sessions.get(e.sessionId);
    if (live === undefined) {
      live = { items: [], events: [] };
      sessions.set(e.sessionId, live);
    } else if (e.ts >= plan.testStart) {
      // Test: the session as it stood before this event. Copies, so nothing the method keeps
      // can change when the session grows.
      const ctx: SessionContext = {
        sessionId: e.sessionId,
        userId: e.userId,
        items: live.items.slice(),
        events: live.events.slice(),
        now: e.ts,
      };
      const c0 = nowMs();
      const recs = method.recommend(ctx, k);
      const dt = nowMs() - c0;
      predictMs += dt;
      latency.add(dt * 1000);
      acc.add(recs, e.itemId, e.sessionId);
      progress?.tick();
    }
    // Then learn.
    const l0 = nowMs();
    method.learn(e);
    learnMs += nowMs() - l0;
    live.items.push(e.itemId);
    live.events.push(e);
    catalogue.add(e.itemId);
    progress?.tick();
  }
  const totalMs = learnMs + predictMs;
  return {
    method: methodSpec,
    name: method.name,
    metrics: acc.summary(catalogue.size),
    learned: plan.events.length,
    predicted: acc.predictions,
    learnMs,
    predictMs,
    eventsPerSec: totalMs > 0 ? ((plan.events.length + acc.predictions) * 1000) / totalMs : 0,
    latencyUs: latency.percentiles(),
  };
}
