import type { EvalEvent, SessionContext, SessionRecommender } from '../../../src/eval/types';

export const DAY = 86_400_000;

/** Learns sessions given as item lists: session i is `s<i>`, one event per minute from `start`. */
export function teach(method: SessionRecommender, sessions: string[][], start = 0, step = 60_000): EvalEvent[] {
  const events: EvalEvent[] = [];
  let t = start;
  sessions.forEach((items, i) => {
    for (const itemId of items) {
      const e: EvalEvent = { sessionId: `s${i}`, userId: `u${i}`, itemId, ts: t, type: 'view' };
      t += step;
      events.push(e);
      method.learn(e);
    }
  });
  return events;
}

export function context(items: string[], now = 1e12, sessionId = 'query'): SessionContext {
  return {
    sessionId,
    userId: 'q',
    items,
    events: items.map((itemId, i) => ({ sessionId, userId: 'q', itemId, ts: now - (items.length - i) * 1000, type: 'view' })),
    now,
  };
}
