// The session-rec protocol, as yoochoose-rsc15's PROVENANCE.md documents it and session-rec's
// preprocessing (`split_data`) and `evaluate_sessions` implement it:
//
// split: tmax = the latest event; a session belongs to test if its last event is at or after
//   tmax - testDays * 24 h, else to train. Test keeps only events of items seen in train, then
//   only sessions with at least 2 such events.
// scoring: methods are fitted on train once (no learning during the test). For every test
//   session (its events in time order), every event after the first is a prediction: the
//   method sees the session's earlier events and ranks items; HR@K and MRR@K of that event's
//   item. The request time passed to the method is the predicted event's time, as session-rec
//   passes `timestamp=ts` of the target row.
import { MetricAccumulator } from '../metrics';
import type { Progress } from '../report/progress';
import type { EvalEvent, SessionRecommender } from '../types';
import { LatencySample, groupSessions, nowMs, type MethodResult } from './common';

export interface SessionRecSplitOptions {
  /** Length of the test period in days (session-rec rsc15: 1). */
  testDays?: number;
}

export interface SessionRecSplit {
  /** Training events, sessions contiguous (order of first appearance), time order within. */
  train: EvalEvent[];
  /** Test sessions, each in time order, filtered as described above. */
  test: EvalEvent[][];
  stats: {
    splitTime: number;
    trainEvents: number;
    trainSessions: number;
    trainItems: number;
    testEvents: number;
    testSessions: number;
    testItems: number;
    predictions: number;
    droppedTestEventsUnknownItem: number;
    droppedTestSessionsTooShort: number;
  };
}

export function splitSessionRec(events: readonly EvalEvent[], { testDays = 1 }: SessionRecSplitOptions = {}): SessionRecSplit {
  const sessions = groupSessions(events);
  let tmax = -Infinity;
  for (const e of events) if (e.ts > tmax) tmax = e.ts;
  const splitTime = tmax - testDays * 86_400_000;
  const train: EvalEvent[] = [];
  const testRaw: EvalEvent[][] = [];
  let trainSessions = 0;
  for (const s of sessions) {
    const last = s[s.length - 1]!.ts;
    if (last < splitTime) {
      train.push(...s);
      trainSessions++;
    } else testRaw.push(s);
  }
  const trainItems = new Set(train.map((e) => e.itemId));
  const test: EvalEvent[][] = [];
  let droppedEvents = 0;
  let droppedSessions = 0;
  for (const s of testRaw) {
    const kept = s.filter((e) => trainItems.has(e.itemId));
    droppedEvents += s.length - kept.length;
    if (kept.length >= 2) test.push(kept);
    else droppedSessions++;
  }
  const testItems = new Set<string>();
  let testEvents = 0;
  for (const s of test) {
    testEvents += s.length;
    for (const e of s) testItems.add(e.itemId);
  }
  return {
    train,
    test,
    stats: {
      splitTime,
      trainEvents: train.length,
      trainSessions,
      trainItems: trainItems.size,
      testEvents,
      testSessions: test.length,
      testItems: testItems.size,
      predictions: testEvents - test.length,
      droppedTestEventsUnknownItem: droppedEvents,
      droppedTestSessionsTooShort: droppedSessions,
    },
  };
}

/** Total units of work (for the progress bar): training events plus predictions. */
export function sessionRecWork(split: SessionRecSplit): number {
  return split.stats.trainEvents + split.stats.predictions;
}

export function evaluateSessionRec(
  method: SessionRecommender,
  methodSpec: string,
  split: SessionRecSplit,
  k: number,
  progress?: Progress,
  /** Receives every prediction; pass one in to keep the per-prediction ranks (paired comparison). */
  acc: MetricAccumulator = new MetricAccumulator(k),
): MethodResult {
  const t0 = nowMs();
  if (method.fit) {
    method.fit(split.train);
    progress?.tick(split.train.length);
  } else {
    for (const e of split.train) {
      method.learn(e);
      progress?.tick();
    }
  }
  const learnMs = nowMs() - t0;
  const latency = new LatencySample();
  const t1 = nowMs();
  for (const session of split.test) {
    const first = session[0]!;
    for (let j = 1; j < session.length; j++) {
      const target = session[j]!;
      const before = session.slice(0, j);
      const ctx = {
        sessionId: first.sessionId,
        userId: first.userId,
        items: before.map((e) => e.itemId),
        events: before,
        now: target.ts,
      };
      const c0 = nowMs();
      const recs = method.recommend(ctx, k);
      latency.add((nowMs() - c0) * 1000);
      acc.add(recs, target.itemId, first.sessionId);
      progress?.tick();
    }
  }
  const predictMs = nowMs() - t1;
  const totalMs = learnMs + predictMs;
  return {
    method: methodSpec,
    name: method.name,
    metrics: acc.summary(split.stats.trainItems),
    learned: split.train.length,
    predicted: acc.predictions,
    learnMs,
    predictMs,
    eventsPerSec: totalMs > 0 ? ((split.train.length + acc.predictions) * 1000) / totalMs : 0,
    latencyUs: latency.percentiles(),
  };
}
