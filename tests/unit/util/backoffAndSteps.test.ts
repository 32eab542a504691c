import pino from 'pino';
import { SHUTDOWN_BUDGET_MS, SHUTDOWN_DEADLINE_MS } from '../../../src/app';
import { backoffDelay, pause, retryWithBackoff } from '../../../src/util/backoff';
import { runSteps } from '../../../src/util/steps';

const silent = pino({ level: 'silent' });

describe('backoff', () => {
  test('doubles from initialMs up to maxMs, with jitter between half and all of it', () => {
    const opts = { initialMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, opts, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(2, opts, () => 0)).toBe(200);
  });

  test('retryWithBackoff retries until the task succeeds, reporting each failure', async () => {
    const failures: number[] = [];
    const value = await retryWithBackoff(
      async (attempt) => {
        if (attempt < 3) throw new Error(`no ${attempt}`);
        return 'up';
      },
      { initialMs: 1, maxMs: 5, onFailure: (_err, attempt) => failures.push(attempt) },
    );
    expect(value).toBe('up');
    expect(failures).toEqual([0, 1, 2]);
  });

  test('an abort ends the retries and the pause at once', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const result = retryWithBackoff(async () => Promise.reject(new Error('down')), { initialMs: 60_000, maxMs: 60_000, signal: stop.signal });
    setTimeout(() => stop.abort(), 20);
    expect(await result).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pause(10_000, stop.signal)).toBe(false);
  });
});

describe('shutdown steps', () => {
  test('a step that hangs is left behind at its limit; stages run in order, the steps of a stage together', async () => {
    const order: string[] = [];
    const started = Date.now();
    await runSteps(
      [
        [{ name: 'hangs', limitMs: 100, run: () => new Promise(() => order.push('hangs')) }],
        [
          { name: 'b', limitMs: 1_000, run: async () => void order.push('b') },
          { name: 'fails', limitMs: 1_000, run: async () => Promise.reject(new Error('boom')) },
        ],
        [{ name: 'c', limitMs: 1_000, run: async () => void order.push('c') }],
      ],
      silent,
    );
    expect(order).toEqual(['hangs', 'b', 'c']);
    expect(Date.now() - started).toBeLessThan(900);
  });

  test('the whole stop budget fits inside the forced-exit deadline with room to spare', () => {
    expect(SHUTDOWN_BUDGET_MS + 3_000).toBeLessThanOrEqual(SHUTDOWN_DEADLINE_MS);
  });
});
