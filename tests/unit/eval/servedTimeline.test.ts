import { SERVED_WINDOW_MS, servedBatches, servedTimeline } from '../../../src/eval/served/timeline';
import type { EvalEvent } from '../../../src/eval/types';

const DAY = 86_400_000;
const ev = (sessionId: string, ts: number): EvalEvent => ({ sessionId, userId: sessionId, itemId: 'i', ts, type: 'view' });

describe('the served timeline', () => {
  test('a span inside the gateway window keeps its gaps and ends at the given time', () => {
    const t = servedTimeline(1000, 1000 + 3 * DAY, 5e12);
    expect(t.compression).toBe(1);
    expect(t.at(1000 + 3 * DAY)).toBe(5e12);
    expect(t.at(1000)).toBe(5e12 - 3 * DAY);
  });

  test('a longer span is compressed just enough to fit the window', () => {
    const t = servedTimeline(0, 2 * SERVED_WINDOW_MS, 5e12);
    expect(t.compression).toBe(2);
    expect(t.at(0)).toBe(5e12 - SERVED_WINDOW_MS);
  });
});

describe('served batches', () => {
  test('never hold two events of one session, nor more than the size', () => {
    const events = [ev('a', 1), ev('b', 2), ev('a', 3), ev('c', 4), ev('d', 5), ev('e', 6)];
    expect(servedBatches(events, 3)).toEqual([[0, 1], [2, 3, 4], [5]]);
  });
});
