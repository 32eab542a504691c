// The served replay's timeline (pure). The gateway takes events stamped at most 7 days in the past,
// so a dataset is moved to end just before the replay starts; a span longer than the window is
// compressed by the smallest factor that fits. The offline figures are computed on the same moved
// timestamps, so decay, neighbour age and co-visitation gaps see the same times on both sides.
import type { EvalEvent } from '../types';

const HOUR_MS = 3_600_000;
/** The gateway refuses events older than 7 days; an hour is left for the replay itself. */
export const SERVED_WINDOW_MS = 7 * 24 * HOUR_MS - HOUR_MS;

export interface ServedTimeline {
  /** Data milliseconds per timeline millisecond (1 when the span fits the window). */
  compression: number;
  /** The moved time (ms since the epoch) of a dataset timestamp. */
  at(ts: number): number;
}

/** Ends the dataset's span at `endAt` (ms), compressed into `window` when longer. */
export function servedTimeline(start: number, end: number, endAt: number, window = SERVED_WINDOW_MS): ServedTimeline {
  const compression = Math.max(1, (end - start) / window);
  return { compression, at: (ts) => Math.round(endAt - (end - ts) / compression) };
}

/** The events on the moved timeline (same order, same everything else). */
export function moveEvents(events: readonly EvalEvent[], timeline: ServedTimeline): EvalEvent[] {
  return events.map((e) => ({ ...e, ts: timeline.at(e.ts) }));
}

/**
 * Consecutive events (indices into `events`) grouped into trackEvents batches of at most `size`,
 * each holding at most one event per session: the list read before an event must already know the
 * session's previous event, which a batch cannot promise for two events of one session.
 */
export function servedBatches(events: readonly EvalEvent[], size: number): number[][] {
  const batches: number[][] = [];
  let batch: number[] = [];
  let sessions = new Set<string>();
  events.forEach((e, i) => {
    if (batch.length >= size || sessions.has(e.sessionId)) {
      batches.push(batch);
      batch = [];
      sessions = new Set();
    }
    batch.push(i);
    sessions.add(e.sessionId);
  });
  if (batch.length > 0) batches.push(batch);
  return batches;
}
