import { evaluateSessionRec, splitSessionRec } from '../../../src/eval/protocols/sessionrec';
import { evaluateStream, planStream } from '../../../src/eval/protocols/stream';
import type { EvalEvent, SessionContext, SessionRecommender } from '../../../src/eval/types';

const HOUR = 3_600_000;
const ev = (sessionId: string, itemId: string, hours: number): EvalEvent => ({
  sessionId,
  userId: `u-${sessionId}`,
  itemId,
  ts: hours * HOUR,
  type: 'view',
});

describe('the session-rec split', () => {
  // Last event at hour 100, so the test period starts at hour 76.
  const log = [
    ev('old1', 'a', 0),
    ev('old1', 'b', 1),
    ev('old2', 'b', 10),
    ev('old2', 'c', 11),
    ev('straddles', 'a', 70), // ends at 80: test, though it began before the split
    ev('straddles', 'b', 80),
    ev('new1', 'a', 90),
    ev('new1', 'zz', 91), // item unseen in train: dropped
    ev('new1', 'c', 92),
    ev('new2', 'c', 95),
    ev('new2', 'yy', 96), // leaves a single known event: session dropped
    ev('old3', 'c', 60),
    ev('old3', 'a', 75.9), // ends just before the split: train
    ev('last', 'b', 99),
    ev('last', 'a', 100),
  ];

  it('puts a session in test when its last event falls in the final day, and in train otherwise', () => {
    const s = splitSessionRec(log);
    expect(s.stats.splitTime).toBe(76 * HOUR);
    expect([...new Set(s.train.map((e) => e.sessionId))]).toEqual(['old1', 'old2', 'old3']);
    expect(s.test.map((t) => t[0]!.sessionId)).toEqual(['straddles', 'new1', 'last']);
  });

  it('keeps only test events of items seen in train, then only sessions with two or more of them', () => {
    const s = splitSessionRec(log);
    expect(s.test.map((t) => t.map((e) => e.itemId))).toEqual([
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'a'],
    ]);
    expect(s.stats.droppedTestEventsUnknownItem).toBe(2);
    expect(s.stats.droppedTestSessionsTooShort).toBe(1);
    expect(s.stats.predictions).toBe(3);
    expect(s.stats.trainItems).toBe(3);
  });

  it('orders each session by time even when the file does not', () => {
    const s = splitSessionRec([ev('x', 'b', 2), ev('x', 'a', 1), ev('y', 'a', 100), ev('y', 'b', 101)]);
    expect(s.train.map((e) => e.itemId)).toEqual(['a', 'b']);
  });
});

/** Records every call, in order, so tests can check what a method saw and when. */
class Spy implements SessionRecommender {
  readonly name = 'spy';
  readonly log: Array<{ op: 'learn'; event: EvalEvent } | { op: 'recommend'; ctx: SessionContext }> = [];
  constructor(private readonly answer: (ctx: SessionContext) => string[] = () => []) {}
  learn(event: EvalEvent): void {
    this.log.push({ op: 'learn', event });
  }
  recommend(ctx: SessionContext): string[] {
    this.log.push({ op: 'recommend', ctx });
    return this.answer(ctx);
  }
}

describe('session-rec scoring', () => {
  it('asks once per event after the first of each test session, with the earlier events and the target time', () => {
    const split = splitSessionRec([ev('t', 'a', 0), ev('t', 'b', 1), ev('q', 'a', 30), ev('q', 'b', 31), ev('q', 'a', 32)]);
    const spy = new Spy((ctx) => (ctx.items.length === 1 ? ['b'] : ['x', 'a']));
    const r = evaluateSessionRec(spy, 'spy', split, 20);
    const asks = spy.log.filter((l) => l.op === 'recommend').map((l) => (l.op === 'recommend' ? l.ctx : null)!);
    expect(asks.map((c) => [c.items, c.now])).toEqual([
      [['a'], 31 * HOUR],
      [['a', 'b'], 32 * HOUR],
    ]);
    // Trained on the train sessions only, all before the first question.
    expect(spy.log.slice(0, 2).map((l) => l.op)).toEqual(['learn', 'learn']);
    expect(r.metrics.hr).toBe(1);
    expect(r.metrics.mrr).toBeCloseTo((1 + 1 / 2) / 2);
  });
});

describe('the stream protocol', () => {
  // Five sessions over 10 hours; the last 20% of time (after hour 8) is the test period.
  const events = [
    ev('s1', 'a', 0),
    ev('s1', 'b', 1),
    ev('s2', 'b', 2),
    ev('s2', 'c', 8.5),
    ev('s3', 'c', 8.6),
    ev('s3', 'd', 9),
    ev('s4', 'e', 9.5),
    ev('s5', 'a', 7),
    ev('s5', 'f', 10),
  ];

  it('predicts only test-period events that have earlier events in their session', () => {
    const plan = planStream(events, { testFraction: 0.2 });
    expect(plan.testStart).toBe(8 * HOUR);
    expect(plan.stats.warmupEvents).toBe(4);
    expect(plan.stats.predictions).toBe(3); // s2:c, s3:d, s5:f (s3:c and s4:e open their sessions)
  });

  it('asks for recommendations before learning the event, never after', () => {
    const plan = planStream(events, { testFraction: 0.2 });
    const spy = new Spy();
    evaluateStream(spy, 'spy', plan, 20);
    const learnt = new Set<EvalEvent>();
    spy.log.forEach((entry, i) => {
      if (entry.op === 'learn') {
        learnt.add(entry.event);
        return;
      }
      // The next call learns the very event that was just predicted, which was not learnt before.
      const next = spy.log[i + 1];
      expect(next?.op).toBe('learn');
      if (next?.op !== 'learn') return;
      expect(learnt.has(next.event)).toBe(false);
      expect(next.event.sessionId).toBe(entry.ctx.sessionId);
      expect(next.event.ts).toBe(entry.ctx.now);
      expect(entry.ctx.events).not.toContain(next.event);
    });
    expect(spy.log.filter((l) => l.op === 'learn')).toHaveLength(events.length);
  });

  it('gives a method that parrots the last learnt event no hits, because it cannot see the target', () => {
    // Every event has a fresh item: an evaluation that learnt before testing would score 100%.
    const fresh = events.map((e, i) => ({ ...e, itemId: `item${i}` }));
    const plan = planStream(fresh, { testFraction: 0.2 });
    let last = '';
    const parrot: SessionRecommender = {
      name: 'parrot',
      learn: (e) => {
        last = e.itemId;
      },
      recommend: () => [last],
    };
    const r = evaluateStream(parrot, 'parrot', plan, 20);
    expect(r.predicted).toBe(3);
    expect(r.metrics.hr).toBe(0);
  });

  it('hands the method copies of the session, so later events cannot change what it was given', () => {
    const plan = planStream(events, { testFraction: 0.2 });
    const spy = new Spy();
    evaluateStream(spy, 'spy', plan, 20);
    const first = spy.log.find((l) => l.op === 'recommend');
    expect(first?.op === 'recommend' && first.ctx.items).toEqual(['b']);
  });
});
