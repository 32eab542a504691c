import { UnavailableError } from '../errors';

/**
 * Resolves with `work`, or rejects with UnavailableError(dependency) after `ms`. `work` itself is not
 * cancelled: callers close their clients in `finally`, which settles it; its late rejection is ignored.
 */
export async function within<T>(dependency: string, ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => undefined);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnavailableError(dependency, `no answer within ${ms} ms while ${what}`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Milliseconds left until `deadline`, at least 1. */
export function remaining(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}
