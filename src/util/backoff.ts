// Retrying a start-up step until it succeeds: exponential backoff with jitter (so a fleet that lost
// a dependency together does not knock on it in step), cancelled at once by an AbortSignal (shutdown).

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const START_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 5_000 };

/** The pause before attempt `attempt + 1` (attempt counts from 0): initialMs·2^attempt capped at maxMs, times 0.5–1. */
export function backoffDelay(attempt: number, { initialMs, maxMs }: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Resolves after `ms`, or at once (false) when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `task` until it resolves, pausing with backoff after each failure (`onFailure` hears of it).
 * Resolves with the task's value, or undefined when `signal` aborted first.
 */
export async function retryWithBackoff<T>(
  task: (attempt: number) => Promise<T>,
  options: BackoffOptions & { signal?: AbortSignal; onFailure?: (err: unknown, attempt: number, delayMs: number) => void },
): Promise<T | undefined> {
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) return undefined;
    try {
      return await task(attempt);
    } catch (err) {
      if (options.signal?.aborted) return undefined;
      const delay = backoffDelay(attempt, options);
      options.onFailure?.(err, attempt, delay);
      if (!(await pause(delay, options.signal))) return undefined;
    }
  }
}
