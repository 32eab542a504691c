import { defaultFlags } from '../../../src/flags/definitions';
import { emptyUserState, learnEvent, USER_BOUNDS, type ScoringEvent, type StatDelta } from '../../../src/recommend';

const ctx = { flags: defaultFlags(), categoryOf: (id: string) => (id.startsWith('shoe') ? 'shoes' : null) };
const at = (minutes: number) => minutes * 60_000;
const view = (eventId: string, product: string, minute: number): ScoringEvent => ({
  eventId,
  userId: 'u',
  type: 'view',
  productIds: [product],
  at: at(minute),
});

type Counted = Extract<StatDelta, { incr: number }>;
const counted = (deltas: StatDelta[], match: (d: StatDelta) => boolean) => deltas.find(match) as Counted;

function run(events: ScoringEvent[]) {
  let user = emptyUserState();
  const deltas: StatDelta[] = [];
  for (const e of events) {
    const learned = learnEvent(user, e, ctx);
    user = learned.user;
    deltas.push(...learned.deltas);
  }
  return { user, deltas };
}

describe('learning an event', () => {
  test('the item viewed next counts more than the item viewed before', () => {
    const { deltas } = run([view('e1', 'a', 0), view('e2', 'b', 1)]);
    const forward = counted(deltas, (d) => d.kind === 'covis' && d.from === 'a' && d.to === 'b');
    const backward = counted(deltas, (d) => d.kind === 'covis' && d.from === 'b' && d.to === 'a');
    expect(forward.incr).toBeGreaterThan(backward.incr);
  });

  test('nearer earlier items pair more strongly than farther ones', () => {
    const { deltas } = run([view('e1', 'a', 0), view('e2', 'b', 1), view('e3', 'c', 2)]);
    const fromB = counted(deltas, (d) => d.kind === 'covis' && d.from === 'b' && d.to === 'c');
    const fromA = counted(deltas, (d) => d.kind === 'covis' && d.from === 'a' && d.to === 'c');
    expect(fromB.incr).toBeGreaterThan(fromA.incr);
  });

  test('items viewed more than six hours apart are not paired', () => {
    const { deltas } = run([view('e1', 'a', 0), view('e2', 'b', 7 * 60)]);
    expect(deltas.filter((d) => d.kind === 'covis')).toEqual([]);
  });

  test('the same event id learned twice changes nothing the second time', () => {
    const once = run([view('e1', 'a', 0), view('e2', 'b', 1)]);
    const again = learnEvent(once.user, view('e2', 'b', 1), ctx);
    expect(again.applied).toBe(false);
    expect(again.deltas).toEqual([]);
    expect(again.user).toBe(once.user);
  });

  test('later events weigh more (forward decay by event time)', () => {
    const early = counted(learnEvent(emptyUserState(), view('e1', 'a', 0), ctx).deltas, (d) => d.kind === 'trending');
    const halfLife = ctx.flags['decay.halfLifeHours'];
    const later = counted(learnEvent(emptyUserState(), view('e2', 'a', halfLife * 60), ctx).deltas, (d) => d.kind === 'trending');
    // Each increment is in the frame of its own half-life period: compared in one frame.
    const worth = (d: Counted) => d.incr * 2 ** d.frame.epoch;
    expect(worth(later) / worth(early)).toBeCloseTo(2, 6); // one half-life later
  });

  test('a purchase pairs its items as bought together and leaves the cart', () => {
    const { user, deltas } = run([
      { eventId: 'c1', userId: 'u', type: 'add_to_cart', productIds: ['a'], at: at(0) },
      { eventId: 'p1', userId: 'u', type: 'purchase', productIds: ['a', 'b'], at: at(1) },
    ]);
    expect(deltas).toContainEqual(expect.objectContaining({ kind: 'bought', from: 'a', to: 'b' }));
    expect(deltas).toContainEqual(expect.objectContaining({ kind: 'bought', from: 'b', to: 'a' }));
    expect(user.cart).toEqual([]);
    expect(user.purchased).toEqual(['a', 'b']);
  });

  test('a known category feeds per-category trending and the user affinity', () => {
    const { user, deltas } = run([view('e1', 'shoe-1', 0)]);
    expect(deltas).toContainEqual(expect.objectContaining({ kind: 'trending', category: 'shoes', product: 'shoe-1' }));
    expect(Object.keys(user.cats)).toEqual(['shoes']);
  });

  test('category affinities stay finite and keep their order over ten simulated years at a one-hour half-life', () => {
    const hour = 3_600_000;
    const hourly = { ...ctx, flags: { ...ctx.flags, 'decay.halfLifeHours': 1 } };
    let user = emptyUserState();
    // Every ten days: shoes, then (an hour later) hats; hats are the newer, so they lead.
    for (let day = 0, n = 0; day < 3650; day += 10) {
      user = learnEvent(user, { ...view(`s${n}`, 'shoe-1', 0), at: day * 24 * hour }, hourly).user;
      user = learnEvent(user, { ...view(`h${n++}`, 'hat-1', 0), at: day * 24 * hour + hour }, { ...hourly, categoryOf: () => 'hats' }).user;
      expect(Number.isFinite(user.cats.hats!)).toBe(true);
      expect(user.cats.hats! / user.cats.shoes!).toBeCloseTo(2, 9); // exactly one half-life apart, every time
    }
    expect(user.cats.hats).toBeLessThan(4);
  });

  test('state stays bounded however long the history', () => {
    const { user } = run(Array.from({ length: 500 }, (_, i) => view(`e${i}`, `p${i}`, i)));
    expect(user.recent.length).toBe(30);
    expect(user.seen.length).toBe(USER_BOUNDS.seen);
  });
});
