// The scorer learns with the half-life in force for each batch (the flag), through the memory store.
import { defaultFlags, type RecFlags } from '../../../src/flags/definitions';
import type { ViewEnvelope } from '../../../src/events/envelope';
import { Recommender } from '../../../src/recommender/recommender';
import { MemoryStore } from '../../../src/store/memoryStore';
import { MemoryDeadLetters } from '../../../src/log/deadLetters';
import { createScorer } from '../../../src/streams/scorer';
import { seededRandom } from '../../../src/util/seededRandom';

const HOUR = 3_600_000;

function setUp(halfLifeHours: number) {
  let flags: RecFlags = { ...defaultFlags(), 'decay.halfLifeHours': halfLifeHours };
  const store = new MemoryStore();
  const current = () => flags;
  const scorer = createScorer({ store, recommender: new Recommender({ store, flags: current }), flags: current, deadLetters: new MemoryDeadLetters() });
  let offset = 0;
  let id = 0;
  const view = (userId: string, productId: string, at: number): ViewEnvelope => {
    const time = new Date(at).toISOString();
    return { v: 1, type: 'view', eventId: `e${id++}`, userId, productId, sessionId: null, occurredAt: time, receivedAt: time };
  };
  return {
    store,
    setHalfLife: (hours: number) => (flags = { ...flags, 'decay.halfLifeHours': hours }),
    score: (events: ViewEnvelope[]) =>
      scorer.scoreBatch(
        'view-events/0',
        events.map((event) => ({ offset: offset++, event })),
      ),
    view,
  };
}

describe('the scorer over simulated years', () => {
  test('trending stays finite and ranks as exponentially decayed sums over three years at a one-hour half-life', async () => {
    const seed = 77;
    const next = seededRandom(seed);
    const { store, score, view } = setUp(1);
    const truth = new Map<string, number>();
    const events: { product: string; at: number }[] = [];
    for (let at = Date.UTC(2030, 0, 1); at < Date.UTC(2033, 0, 1); at += (30 + Math.floor(next() * 30)) * HOUR) {
      const batch = Array.from({ length: 3 }, (_, i) => {
        const product = `p${Math.floor(next() * 10)}`;
        events.push({ product, at: at + i * HOUR });
        return view(`u${Math.floor(next() * 5)}`, product, at + i * HOUR);
      });
      await score(batch);
    }
    const end = events[events.length - 1]!.at;
    for (const e of events) truth.set(e.product, (truth.get(e.product) ?? 0) + 2 ** ((e.at - end) / HOUR));
    const expected = [...truth]
      .filter(([, v]) => v > 2 ** -900)
      .sort((a, b) => b[1] - a[1])
      .map(([p]) => p);
    expect(expected.length).toBeGreaterThan(2);
    const stored = (await store.trending([null], 50)).get(null)!;
    try {
      expect(stored.every((s) => Number.isFinite(s.score) && s.score > 0)).toBe(true);
      expect(stored.slice(0, expected.length).map((s) => s.id)).toEqual(expected);
    } catch (err) {
      throw new Error(`seed ${seed}: ${(err as Error).message}`, { cause: err });
    }
  });

  test('after a half-life change new evidence decays at the new half-life and the old entries keep their order', async () => {
    const { store, score, view, setHalfLife } = setUp(24);
    const t0 = Date.UTC(2031, 0, 1);
    await score([view('u1', 'old-a', t0), view('u1', 'old-a', t0 + HOUR), view('u2', 'old-b', t0 + 2 * HOUR)]);
    const before = (await store.trending([null], 10)).get(null)!;
    setHalfLife(6);
    const t1 = t0 + 30 * 24 * HOUR;
    await score([view('u3', 'new-a', t1)]);
    await score([view('u3', 'new-b', t1 + 6 * HOUR)]);
    const after = new Map((await store.trending([null], 10)).get(null)!.map((s) => [s.id, s.score]));
    expect(after.get('new-b')! / after.get('new-a')!).toBeCloseTo(2, 12); // six hours apart: one new half-life
    expect(before.map((s) => s.id)).toEqual(['old-a', 'old-b']);
    expect(after.get('old-a')! / after.get('old-b')!).toBeCloseTo(before[0]!.score / before[1]!.score, 12);
    expect(after.get('old-a')!).toBeLessThan(after.get('new-a')!); // a month of decay
  });
});
