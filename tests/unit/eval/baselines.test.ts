import { AssociationRules } from '../../../src/eval/methods/ar';
import { Pop } from '../../../src/eval/methods/pop';
import { SequentialRules } from '../../../src/eval/methods/sr';
import { DecayedTrending } from '../../../src/eval/methods/trending';
import { context, teach } from './helpers';

describe('POP', () => {
  it('recommends the items with the most events, to everyone alike', () => {
    const pop = new Pop();
    teach(pop, [['a', 'b', 'c'], ['c', 'b'], ['c', 'd'], ['d'], ['e']]);
    // c 3, b 2, d 2, a 1, e 1.
    const recs = pop.recommend(context(['x']), 3);
    expect(recs[0]).toBe('c');
    expect(new Set(recs.slice(1))).toEqual(new Set(['b', 'd']));
    expect(pop.recommend(context(['a', 'b']), 3)).toEqual(recs);
  });

  it('gives the same answer with a small tracked top as with a full scan', () => {
    const small = new Pop({ trackTop: 2 });
    const large = new Pop({ trackTop: 100 });
    const items = Array.from({ length: 300 }, (_, i) => `i${(i * 7919) % 37}`);
    teach(small, [items]);
    teach(large, [items]);
    expect(small.recommend(context([]), 2)).toEqual(large.recommend(context([]), 2));
    expect(small.recommend(context([]), 10)).toEqual(large.recommend(context([]), 10));
  });
});

describe('decayed trending', () => {
  it('lets a recent item overtake one that was popular a few half-lives ago', () => {
    const t = new DecayedTrending({ halfLifeHours: 1 });
    const hour = 3_600_000;
    for (let i = 0; i < 5; i++) t.learn({ sessionId: 's', userId: 'u', itemId: 'old', ts: 0, type: 'view' });
    // 5 views 4 h ago are worth 5/16 of a view now.
    t.learn({ sessionId: 's', userId: 'u', itemId: 'new', ts: 4 * hour, type: 'view' });
    expect(t.recommend(context([]), 2)).toEqual(['new', 'old']);
  });

  it('weighs add-to-carts and purchases above views (1 / 3 / 5 by default)', () => {
    const t = new DecayedTrending();
    const e = { sessionId: 's', userId: 'u', ts: 0 };
    for (let i = 0; i < 4; i++) t.learn({ ...e, itemId: 'viewed', type: 'view' });
    t.learn({ ...e, itemId: 'bought', type: 'purchase' });
    for (let i = 0; i < 2; i++) t.learn({ ...e, itemId: 'carted', type: 'cart' });
    expect(t.recommend(context([]), 3)).toEqual(['carted', 'bought', 'viewed']);
  });

  it('keeps ranking correctly across the rescaling of long replays', () => {
    const t = new DecayedTrending({ halfLifeHours: 1 });
    const hour = 3_600_000;
    t.learn({ sessionId: 's', userId: 'u', itemId: 'a', ts: 0, type: 'view' });
    // 2000 hours later the raw weight would overflow without rescaling.
    for (let i = 0; i < 3; i++) t.learn({ sessionId: 's', userId: 'u', itemId: 'b', ts: 2000 * hour, type: 'view' });
    // One view an hour later weighs two then: c 2 < b 3.
    t.learn({ sessionId: 's', userId: 'u', itemId: 'c', ts: 2001 * hour, type: 'view' });
    expect(t.recommend(context([]), 3)).toEqual(['b', 'c', 'a']);
  });
});

describe('AR', () => {
  it('counts every pair of a session once in each direction, at any distance', () => {
    const ar = new AssociationRules();
    teach(ar, [
      ['a', 'b', 'c'],
      ['a', 'b'],
    ]);
    expect(ar.weight('a', 'b')).toBe(2);
    expect(ar.weight('b', 'a')).toBe(2);
    expect(ar.weight('a', 'c')).toBe(1);
    expect(ar.weight('c', 'a')).toBe(1);
    expect(ar.weight('b', 'c')).toBe(1);
    expect(ar.recommend(context(['x', 'a']), 5)).toEqual(['b', 'c']);
  });

  it('counts a repeated item twice into its self-rule, as session-rec does', () => {
    const ar = new AssociationRules();
    teach(ar, [['a', 'a']]);
    expect(ar.weight('a', 'a')).toBe(2);
  });

  it('predicts from the last item only and knows nothing of unseen items', () => {
    const ar = new AssociationRules();
    teach(ar, [
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(ar.recommend(context(['a', 'c']), 5)).toEqual(['d']);
    expect(ar.recommend(context(['new']), 5)).toEqual([]);
  });

  it('keeps only the strongest rules of an item, ties at the cut in order of first co-occurrence', () => {
    const ar = new AssociationRules({ pruning: 2 });
    teach(ar, [
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'c'],
      ['a', 'd'],
    ]);
    // a: b 2, c 1, d 1 -> keep b and c (c co-occurred before d), as Counter.most_common(2) does.
    expect(ar.recommend(context(['a']), 5)).toEqual(['b', 'c']);
  });
});

describe('SR', () => {
  it('weighs a rule a -> b by 1/distance within a session, forward only', () => {
    const sr = new SequentialRules({ steps: 8, weighting: 'div' });
    teach(sr, [['a', 'b', 'c']]);
    expect(sr.weight('a', 'b')).toBe(1);
    expect(sr.weight('b', 'c')).toBe(1);
    expect(sr.weight('a', 'c')).toBe(0.5);
    expect(sr.weight('b', 'a')).toBe(0);
    expect(sr.recommend(context(['a']), 5)).toEqual(['b', 'c']);
  });

  it('looks back at most `steps` events', () => {
    const sr = new SequentialRules({ steps: 2 });
    teach(sr, [['a', 'b', 'c', 'd']]);
    expect(sr.weight('a', 'c')).toBe(0.5);
    expect(sr.weight('a', 'd')).toBe(0);
  });

  it('sums weights over sessions, so a nearer and more frequent successor ranks first', () => {
    const sr = new SequentialRules();
    teach(sr, [
      ['a', 'x', 'b'],
      ['a', 'x', 'b'],
      ['a', 'c'],
    ]);
    // a->x 2, a->b 2 * 1/2 = 1, a->c 1: x first, then b and c tied.
    const recs = sr.recommend(context(['a']), 3);
    expect(recs[0]).toBe('x');
    expect(new Set(recs.slice(1))).toEqual(new Set(['b', 'c']));
    expect(sr.weight('a', 'b')).toBe(1);
  });

  it("offers session-rec's other weightings", () => {
    const sr = new SequentialRules({ weighting: 'quadratic' });
    teach(sr, [['a', 'b', 'c', 'd']]);
    expect(sr.weight('a', 'd')).toBeCloseTo(1 / 9);
    expect(() => new SequentialRules({ weighting: 'cubic' as never })).toThrow(/unknown weighting/);
  });

  it('learns sessions that interleave in a stream the same as sessions one after another', () => {
    const a = new SequentialRules();
    const b = new SequentialRules();
    teach(a, [
      ['p', 'q', 'r'],
      ['x', 'y'],
    ]);
    const e = (sessionId: string, itemId: string, ts: number) => ({ sessionId, userId: sessionId, itemId, ts, type: 'view' as const });
    for (const ev of [e('s0', 'p', 0), e('s1', 'x', 1), e('s0', 'q', 2), e('s1', 'y', 3), e('s0', 'r', 4)]) b.learn(ev);
    for (const [from, to] of [
      ['p', 'q'],
      ['p', 'r'],
      ['q', 'r'],
      ['x', 'y'],
    ] as const)
      expect(b.weight(from, to)).toBe(a.weight(from, to));
  });
});
