// Sends planned events on schedule: bounded by a deadline, an event count and the requests in
// flight; one user's events leave in order (the next waits for the previous answer), different
// users' events overlap. A request may carry a batch of events (`events`, trackEvents): the
// counts are of events, and the gateway's per-event refusals count as errors.
import type { TrackRequest } from './requests';

/** What the runner needs of a request: whose order it keeps, and how many events it carries (default 1). */
export interface Sendable {
  userId: string;
  events?: number;
}

export interface PlannedEvent<R extends Sendable = TrackRequest> {
  /** When to send, in ms after the start. */
  at: number;
  request: () => R;
}

export interface RunStats {
  sent: number;
  errors: number;
  inFlight: number;
  elapsedMs: number;
  lastError: string | null;
  /** Why the run ended: 'duration', 'max-events', 'source' (nothing more to send), 'stopped'. */
  ended: 'duration' | 'max-events' | 'source' | 'stopped' | null;
}

export interface RunOptions<R extends Sendable = TrackRequest> {
  plan: AsyncIterable<PlannedEvent<R>> | Iterable<PlannedEvent<R>>;
  /** Resolves with how many of the request's events the gateway refused (none when it resolves with nothing). */
  send: (request: R) => Promise<number | void>;
  durationMs: number;
  maxEvents: number;
  maxInFlight: number;
  /** Called about twice a second and once at the end. */
  onProgress?: (stats: RunStats) => void;
  /** Resolves (or is aborted) to stop early, e.g. on Ctrl-C. */
  signal?: AbortSignal;
  /** How long to wait for the last answers after the deadline. */
  drainMs?: number;
  now?: () => number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export async function runPlan<R extends Sendable = TrackRequest>(options: RunOptions<R>): Promise<RunStats> {
  const { send, durationMs, maxEvents, maxInFlight, signal, drainMs = 5_000, now = Date.now } = options;
  const start = now();
  const stats: RunStats = { sent: 0, errors: 0, inFlight: 0, elapsedMs: 0, lastError: null, ended: null };
  const tails = new Map<string, Promise<void>>();
  const pending = new Set<Promise<void>>();
  let started = 0;
  const progress = () => {
    stats.elapsedMs = now() - start;
    options.onProgress?.(stats);
  };
  const ticker = setInterval(progress, 500);

  const dispatch = (request: R) => {
    const previous = tails.get(request.userId) ?? Promise.resolve();
    const events = request.events ?? 1;
    const job = previous
      .then(() => send(request))
      .then(
        (refused) => {
          stats.sent += events - (refused ?? 0);
          stats.errors += refused ?? 0;
        },
        (err: unknown) => {
          stats.errors += events;
          stats.lastError = err instanceof Error ? err.message : String(err);
        },
      );
    tails.set(request.userId, job);
    pending.add(job);
    stats.inFlight = pending.size;
    void job.then(() => {
      pending.delete(job);
      stats.inFlight = pending.size;
      if (tails.get(request.userId) === job) tails.delete(request.userId);
    });
  };

  try {
    for await (const planned of options.plan) {
      if (signal?.aborted) {
        stats.ended = 'stopped';
        break;
      }
      if (planned.at >= durationMs || now() - start >= durationMs) {
        stats.ended = 'duration';
        break;
      }
      if (started >= maxEvents) {
        stats.ended = 'max-events';
        break;
      }
      await sleep(start + planned.at - now(), signal);
      while (pending.size >= maxInFlight && !signal?.aborted) await Promise.race(pending);
      if (signal?.aborted) {
        stats.ended = 'stopped';
        break;
      }
      if (now() - start >= durationMs) {
        stats.ended = 'duration';
        break;
      }
      const request = planned.request();
      dispatch(request);
      started += request.events ?? 1;
    }
    stats.ended ??= 'source';
    const drained = new AbortController();
    await Promise.race([Promise.all(pending).then(() => drained.abort()), sleep(drainMs, drained.signal)]);
    drained.abort(); // ends the drain timer when the answers came first
  } finally {
    clearInterval(ticker);
    progress();
  }
  return stats;
}

/** One status line: events sent, errors, rate, time, requests in flight. */
export function formatProgress(stats: RunStats, durationMs: number): string {
  const seconds = stats.elapsedMs / 1000;
  const rate = seconds > 0 ? stats.sent / seconds : 0;
  return (
    `simulate: ${stats.sent} sent, ${stats.errors} errors, ${rate.toFixed(1)}/s, ` +
    `${Math.min(seconds, durationMs / 1000).toFixed(0)}s of ${(durationMs / 1000).toFixed(0)}s, ${stats.inFlight} in flight`
  );
}
