import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EvalEvent } from '../../../src/eval/types';
import { batchedReplayPlan, openReplay, replayDelayMs, replayEvent, replayPlan, userLimiter } from '../../../src/demo/simulate/replay';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

const ev = (userId: string, itemId: string, seconds: number, type: EvalEvent['type'] = 'view', sessionId = ''): EvalEvent => ({
  userId,
  itemId,
  ts: seconds * 1000,
  type,
  sessionId,
});

describe('the dataset replay', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'replay-test-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads Taobao UserBehavior rows as views, carts (fav too) and purchases, skipping bad rows', async () => {
    const file = path.join(dir, 'UserBehavior.csv');
    writeFileSync(file, '1,100,7,pv,1511658000\n1,101,7,cart,1511658001\nbroken line\n2,100,7,fav,1511658002\n2,102,8,buy,1511658003\n');
    const source = await openReplay(file);
    expect(source.format).toBe('taobao');
    const events = await collect(source.events);
    expect(events.map((e) => [e.userId, e.itemId, e.type, e.ts])).toEqual([
      ['1', '100', 'view', 1511658000000],
      ['1', '101', 'cart', 1511658001000],
      ['2', '100', 'cart', 1511658002000],
      ['2', '102', 'purchase', 1511658003000],
    ]);
    expect(source.report.badRows).toBe(1);
  });

  it('reads session-rec TSV clicks as views of the session', async () => {
    const file = path.join(dir, 'clicks.txt');
    writeFileSync(file, 'SessionId\tItemId\tTime\n3\t214716935\t1396437466.94\n3\t214832672\t1396438212.318\n');
    const source = await openReplay(file);
    expect(source.format).toBe('session-rec');
    const events = await collect(source.events);
    expect(events).toEqual([
      { sessionId: '3', userId: '3', itemId: '214716935', ts: 1396437466940, type: 'view' },
      { sessionId: '3', userId: '3', itemId: '214832672', ts: 1396438212318, type: 'view' },
    ]);
  });

  it('refuses a file whose format it cannot tell, saying which formats it knows', async () => {
    const file = path.join(dir, 'mystery.dat');
    writeFileSync(file, 'hello world\n');
    await expect(openReplay(file)).rejects.toThrow(/unknown dataset format.*Taobao/);
  });

  it('waits the dataset gap divided by the speed, never negative and never longer than the cap', () => {
    expect(replayDelayMs(null, 5_000, 60, 500)).toBe(0);
    expect(replayDelayMs(0, 6_000, 60, 500)).toBe(100);
    expect(replayDelayMs(0, 3_600_000, 60, 500)).toBe(500);
    expect(replayDelayMs(10_000, 5_000, 60, 500)).toBe(0);
  });

  it('turns dataset events into live ones, keeping ids, with one order per purchase', () => {
    expect(replayEvent(ev('u', 'i', 1), 1, 'r')).toEqual({ type: 'view', userId: 'u', productId: 'i' });
    expect(replayEvent(ev('u', 'i', 1, 'cart', 's9'), 2, 'r')).toEqual({ type: 'cart', userId: 'u', sessionId: 's9', productId: 'i' });
    expect(replayEvent(ev('u', 'i', 1, 'purchase'), 3, 'r')).toEqual({ type: 'purchase', userId: 'u', orderId: 'replay-r-3', items: [{ productId: 'i' }] });
  });

  it('keeps only the first N distinct users when asked', () => {
    const keep = userLimiter(2);
    expect(['a', 'b', 'a', 'c', 'b', 'd'].map(keep)).toEqual([true, true, true, false, true, false]);
    expect(['a', 'b', 'c'].map(userLimiter(null))).toEqual([true, true, true]);
  });

  it('paces a time-ordered file on one timeline at the chosen speed, in file order, stamped now', async () => {
    const now = () => new Date('2030-01-01T00:00:00.000Z');
    const events = [ev('a', '1', 0), ev('b', '2', 6), ev('a', '3', 6), ev('c', '4', 12)];
    const plan = await collect(replayPlan(from(events), { speed: 60, maxGapMs: 500, rate: 1000, users: null, runId: 'r', now }));
    expect(plan.map((p) => p.at)).toEqual([0, 100, 101, 201]); // 6 s / 60 = 100 ms; equal times still 1 ms apart at 1000/s
    const requests = plan.map((p) => p.request());
    expect(requests.map((r) => r.variables.input.productId)).toEqual(['1', '2', '3', '4']);
    expect(requests.every((r) => r.variables.input.occurredAt === '2030-01-01T00:00:00.000Z')).toBe(true);
  });

  it('in a file sorted by user, waits only within one user and starts the next user at once', async () => {
    const events = [ev('a', '1', 100), ev('a', '2', 106), ev('b', '3', 0), ev('b', '4', 6), ev('c', '5', 50)];
    const plan = await collect(replayPlan(from(events), { speed: 60, maxGapMs: 500, rate: 100, users: null, runId: 'r' }));
    expect(plan.map((p) => p.at)).toEqual([0, 100, 110, 210, 220]);
  });

  it('never sends faster than the rate ceiling', async () => {
    const events = Array.from({ length: 5 }, (_, i) => ev('a', String(i), 0));
    const plan = await collect(replayPlan(from(events), { speed: 1, maxGapMs: 500, rate: 20, users: null, runId: 'r' }));
    expect(plan.map((p) => p.at)).toEqual([0, 50, 100, 150, 200]);
  });

  it('in batches, sends the events due within the window together, in file order, each batch when its last event is due', async () => {
    const now = () => new Date('2030-01-01T00:00:00.000Z');
    // At 60x: 0, 100, 200, 300, 1000 ms; a 150 ms window puts the first two together, then the next two.
    const events = [ev('a', '1', 0), ev('b', '2', 6), ev('a', '3', 12, 'cart'), ev('c', '4', 18, 'purchase'), ev('a', '5', 60)];
    const plan = await collect(
      batchedReplayPlan(from(events), { speed: 60, maxGapMs: 5_000, rate: 1000, users: null, runId: 'r', now, batchSize: 500, windowMs: 150, maxEvents: 100 }),
    );
    expect(plan.map((p) => p.at)).toEqual([100, 300, 1000]);
    const requests = plan.map((p) => p.request());
    expect(requests.map((r) => r.events)).toEqual([2, 2, 1]);
    expect(requests.every((r) => r.operation === 'trackEvents')).toBe(true);
    expect(
      requests.flatMap((r) => r.variables.input.map((i) => `${String(i.type)}:${String(i.productId ?? (i.items as { productId: string }[])[0]!.productId)}`)),
    ).toEqual(['VIEW:1', 'VIEW:2', 'ADD_TO_CART:3', 'PURCHASE:4', 'VIEW:5']);
    expect(requests[0]!.variables.input[0]).toEqual({ type: 'VIEW', userId: 'a', productId: '1', occurredAt: '2030-01-01T00:00:00.000Z' });
  });

  it('in batches, holds at most the batch size per call and plans no more than --max-events', async () => {
    const events = Array.from({ length: 1200 }, (_, i) => ev(`u${i % 7}`, String(i), 0));
    const plan = await collect(
      batchedReplayPlan(from(events), { speed: 60, maxGapMs: 500, rate: 100_000, users: null, runId: 'r', batchSize: 500, windowMs: 10_000, maxEvents: 1100 }),
    );
    expect(plan.map((p) => p.request().events)).toEqual([500, 500, 100]);
  });
});
