import { formatProgress, runPlan, type PlannedEvent } from '../../../src/demo/simulate/runner';
import type { TrackRequest } from '../../../src/demo/simulate/requests';

const req = (userId: string, n: number): TrackRequest => ({ userId, operation: 'trackView', variables: { input: { userId, n } } });
const plan = (events: [string, number, number][]): PlannedEvent[] => events.map(([u, n, at]) => ({ at, request: () => req(u, n) }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the simulation runner', () => {
  it('sends every planned event and counts the failures apart', async () => {
    const sent: number[] = [];
    const stats = await runPlan({
      plan: plan([
        ['a', 1, 0],
        ['b', 2, 0],
        ['a', 3, 0],
        ['c', 4, 0],
      ]),
      send: async (r) => {
        if (r.variables.input.n === 2) throw new Error('refused');
        sent.push(r.variables.input.n as number);
      },
      durationMs: 5_000,
      maxEvents: 100,
      maxInFlight: 8,
    });
    expect(sent.sort()).toEqual([1, 3, 4]);
    expect(stats).toMatchObject({ sent: 3, errors: 1, lastError: 'refused', ended: 'source', inFlight: 0 });
  });

  it("sends one user's events in order, each after the previous answer", async () => {
    const log: string[] = [];
    // a's first answer comes only after b's event has been answered: b does not wait behind a
    // (a runner that made it wait would time out here), whatever the machine's timing.
    let bDone!: () => void;
    const b = new Promise<void>((r) => (bDone = r));
    await runPlan({
      plan: plan([
        ['a', 1, 0],
        ['a', 2, 0],
        ['b', 3, 0],
        ['a', 4, 0],
      ]),
      send: async (r) => {
        const n = r.variables.input.n as number;
        log.push(`start ${n}`);
        if (n === 1)
          await Promise.race([b, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("user b's event waited for user a's")), 5_000).unref())]);
        else await sleep(1);
        log.push(`end ${n}`);
        if (n === 3) bDone();
      },
      durationMs: 5_000,
      maxEvents: 100,
      maxInFlight: 8,
    });
    const a = log.filter((l) => / [124]$/.test(l));
    expect(a).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 4', 'end 4']);
    expect(log.indexOf('end 3')).toBeLessThan(log.indexOf('end 1')); // another user does not wait
  });

  it('never has more requests in flight than allowed', async () => {
    let inFlight = 0;
    let most = 0;
    await runPlan({
      plan: Array.from({ length: 40 }, (_, i) => ({ at: 0, request: () => req(`u${i}`, i) })),
      send: async () => {
        most = Math.max(most, ++inFlight);
        await sleep(3);
        inFlight--;
      },
      durationMs: 5_000,
      maxEvents: 100,
      maxInFlight: 4,
    });
    expect(most).toBe(4);
  });

  it('stops at the event limit of an endless plan', async () => {
    function* endless(): Generator<PlannedEvent> {
      for (let i = 0; ; i++) yield { at: 0, request: () => req('u', i) };
    }
    const stats = await runPlan({ plan: endless(), send: async () => {}, durationMs: 5_000, maxEvents: 25, maxInFlight: 8 });
    expect(stats).toMatchObject({ sent: 25, ended: 'max-events' });
  });

  it('stops when the time is up, keeping to the schedule until then', async () => {
    function* everyTenMs(): Generator<PlannedEvent> {
      for (let i = 0; ; i++) yield { at: i * 10, request: () => req('u', i) };
    }
    const started = Date.now();
    const stats = await runPlan({ plan: everyTenMs(), send: async () => {}, durationMs: 200, maxEvents: 1_000, maxInFlight: 8 });
    const took = Date.now() - started;
    expect(stats.ended).toBe('duration');
    expect(stats.sent).toBeGreaterThanOrEqual(15);
    expect(stats.sent).toBeLessThanOrEqual(20);
    expect(took).toBeGreaterThanOrEqual(180);
    expect(took).toBeLessThan(1_000);
  });

  it('stops early when aborted', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    function* slow(): Generator<PlannedEvent> {
      for (let i = 0; ; i++) yield { at: i * 20, request: () => req('u', i) };
    }
    const stats = await runPlan({ plan: slow(), send: async () => {}, durationMs: 10_000, maxEvents: 1_000, maxInFlight: 8, signal: stop.signal });
    expect(stats.ended).toBe('stopped');
    expect(stats.sent).toBeLessThan(10);
  });

  it('reports progress as one line: sent, errors, rate, time, in flight', () => {
    const line = formatProgress({ sent: 150, errors: 2, inFlight: 3, elapsedMs: 3_000, lastError: null, ended: null }, 30_000);
    expect(line).toBe('simulate: 150 sent, 2 errors, 50.0/s, 3s of 30s, 3 in flight');
    expect(line).not.toContain('\n');
  });

  it('counts the events of a batch request, and the ones the gateway refused as errors', async () => {
    const batch = (n: number) => ({ userId: 'batch', operation: 'trackEvents' as const, variables: { input: [] }, events: n });
    const stats = await runPlan({
      plan: [
        { at: 0, request: () => batch(5) },
        { at: 0, request: () => batch(3) },
        { at: 0, request: () => batch(4) },
      ],
      send: async (r) => {
        if (r.events === 4) throw new Error('HTTP 500');
        return r.events === 5 ? 2 : 0; // two of the first batch's events refused
      },
      durationMs: 5_000,
      maxEvents: 100,
      maxInFlight: 8,
    });
    expect(stats).toMatchObject({ sent: 3 + 3, errors: 2 + 4, lastError: 'HTTP 500', ended: 'source' });
  });
});
