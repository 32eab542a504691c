import { Sknn } from '../../../src/eval/methods/knn/sknn';
import { Stan, Vstan } from '../../../src/eval/methods/knn/stan';
import { Vsknn } from '../../../src/eval/methods/knn/vsknn';
import { DAY, context, teach } from './helpers';

describe('SKNN', () => {
  it('scores each item by the summed Jaccard similarity of the neighbours that contain it', () => {
    const sknn = new Sknn({ k: 10, sampleSize: 100 });
    teach(sknn, [
      ['a', 'b', 'c'],
      ['a', 'd'],
      ['e', 'f'],
    ]);
    const [s0, s1] = [0, 1];
    const q = { seq: [0, 1], distinct: [0, 1], self: -1, now: 0 }; // a, b
    const sims = sknn.neighbours(q).sort((x, y) => x.session - y.session);
    // |{a,b} ∩ {a,b,c}| / |{a,b,c}| = 2/3 ; |{a,b} ∩ {a,d}| / |{a,b,d}| = 1/3 ; {e,f} shares nothing.
    expect(sims).toEqual([
      { session: s0, similarity: 2 / 3 },
      { session: s1, similarity: 1 / 3 },
    ]);
    // a: 2/3 + 1/3 = 1, b and c: 2/3 each, d: 1/3.
    const recs = sknn.recommend(context(['a', 'b']), 10);
    expect(recs[0]).toBe('a');
    expect(new Set(recs.slice(1, 3))).toEqual(new Set(['b', 'c']));
    expect(recs[3]).toBe('d');
    expect(recs).toHaveLength(4);
  });

  it('keeps only the k most similar neighbours', () => {
    const sknn = new Sknn({ k: 1, sampleSize: 100 });
    teach(sknn, [
      ['a', 'b', 'c'],
      ['a', 'd'],
    ]);
    expect(new Set(sknn.recommend(context(['a', 'b']), 10))).toEqual(new Set(['a', 'b', 'c']));
  });

  it('samples the most recent candidate sessions when there are more than sample_size', () => {
    const sknn = new Sknn({ k: 10, sampleSize: 1 });
    teach(sknn, [
      ['a', 'b', 'c'],
      ['a', 'd'],
    ]); // the second session is more recent
    expect(sknn.recommend(context(['a', 'b']), 10)).toEqual(['a', 'd']);
  });

  it('does not count the session being predicted as its own neighbour (stream replay)', () => {
    const sknn = new Sknn();
    teach(sknn, [
      ['a', 'b'],
      ['a', 'c'],
    ]);
    // The query is session s1 itself, already learnt up to now.
    expect(sknn.recommend(context(['a', 'c'], 1e12, 's1'), 10)).toEqual(['a', 'b']);
  });

  it('offers the true cosine |A∩B|/sqrt(|A||B|) as an alternative similarity', () => {
    const sknn = new Sknn({ similarity: 'cosine' });
    teach(sknn, [['a', 'b', 'c', 'd']]);
    const [n] = sknn.neighbours({ seq: [0], distinct: [0], self: -1, now: 0 });
    expect(n!.similarity).toBeCloseTo(1 / Math.sqrt(4));
  });
});

describe('V-SKNN', () => {
  it('weighs later events of the current session more (quadratic: (p/n)^2) in the vec similarity', () => {
    const v = new Vsknn({ k: 10, sampleSize: 100, weighting: 'quadratic' });
    teach(v, [
      ['a', 'c'],
      ['b', 'd'],
    ]);
    const sims = v.neighbours({ seq: [0, 2], distinct: [0, 2], self: -1, now: 0 }).sort((x, y) => x.session - y.session);
    // query a, b: weights a (1/2)^2 = 0.25, b 1; vec = sum over shared items / 2 distinct items.
    expect(sims.map((n) => n.similarity)).toEqual([0.125, 0.5]);
  });

  it('ranks the neighbours of the latest item above those of earlier items, unlike SKNN', () => {
    const sessions = [
      ['a', 'c'],
      ['b', 'd'],
    ];
    const v = new Vsknn({ k: 10, sampleSize: 100 });
    const s = new Sknn({ k: 10, sampleSize: 100 });
    teach(v, sessions);
    teach(s, sessions);
    // SKNN: both neighbours have Jaccard 1/3, so all four items tie.
    expect(s.neighbours({ seq: [0, 2], distinct: [0, 2], self: -1, now: 0 }).map((n) => n.similarity)).toEqual([1 / 3, 1 / 3]);
    // V-SKNN: s1 has sim 0.5 and decay 1 (b is the last event); s0 0.125 * 1/2^2.
    const recs = v.recommend(context(['a', 'b']), 4);
    expect(new Set(recs.slice(0, 2))).toEqual(new Set(['b', 'd']));
    expect(new Set(recs.slice(2))).toEqual(new Set(['a', 'c']));
  });

  it('boosts rare items with idf weighting', () => {
    const sessions = [
      ['a', 'common'],
      ['a', 'rare'],
      ['common', 'x'],
      ['common', 'y'],
      ['a', 'common'],
    ];
    const plain = new Vsknn({ k: 10, sampleSize: 100, weighting: 'same', weightingScore: 'same' });
    const idf = new Vsknn({ k: 10, sampleSize: 100, weighting: 'same', weightingScore: 'same', idfWeighting: 5 });
    teach(plain, sessions);
    teach(idf, sessions);
    const rank = (recs: string[]) => recs.indexOf('rare');
    expect(rank(idf.recommend(context(['a']), 5))).toBeLessThan(rank(plain.recommend(context(['a']), 5)));
  });
});

describe('STAN', () => {
  it('prefers a recent neighbour session over an older identical one', () => {
    const stan = new Stan({ k: 10, sampleSize: 100, lambdaSnh: 1 });
    const day = DAY;
    stan.learn({ sessionId: 'old', userId: 'u', itemId: 'a', ts: 0, type: 'view' });
    stan.learn({ sessionId: 'old', userId: 'u', itemId: 'x', ts: 1, type: 'view' });
    stan.learn({ sessionId: 'new', userId: 'u', itemId: 'a', ts: 9 * day, type: 'view' });
    stan.learn({ sessionId: 'new', userId: 'u', itemId: 'y', ts: 9 * day + 1, type: 'view' });
    const sims = stan.neighbours({ seq: [0], distinct: [0], self: -1, now: 10 * day });
    // cosine 1/sqrt(2) for both, times exp(-age / 1 day).
    const bySession = new Map(sims.map((n) => [n.session, n.similarity]));
    expect(bySession.get(0)).toBeCloseTo(Math.exp(-10) / Math.SQRT2);
    expect(bySession.get(1)).toBeCloseTo(Math.exp(-1) / Math.SQRT2);
    expect(stan.recommend(context(['a'], 10 * day), 3)).toEqual(['a', 'y', 'x']);
  });

  it("scores a neighbour's items by their distance from the shared item in that session", () => {
    const stan = new Stan({ k: 10, sampleSize: 100, lambdaInh: 1 });
    teach(stan, [['far', 'c', 'a', 'd', 'e']]);
    // Distances from a: a 0, c 1, d 1, e 2, far 2.
    const recs = stan.recommend(context(['a'], 1e6), 5);
    expect(recs[0]).toBe('a');
    expect(new Set(recs.slice(1, 3))).toEqual(new Set(['c', 'd']));
    expect(new Set(recs.slice(3))).toEqual(new Set(['e', 'far']));
  });

  it('weighs the current session by exp((p - n) / spw), so the last event matters most', () => {
    const stan = new Stan({ k: 10, sampleSize: 100, lambdaSpw: 1, lambdaInh: 100 });
    teach(stan, [
      ['a', 'x'],
      ['b', 'y'],
    ]);
    expect(stan.recommend(context(['a', 'b'], 1e6), 4).slice(0, 2)).toEqual(['b', 'y']);
    expect(stan.recommend(context(['b', 'a'], 1e6), 4).slice(0, 2)).toEqual(['a', 'x']);
  });
});

describe('VSTAN', () => {
  it("favours neighbours sharing the most recent item (ipw) enough to overturn STAN's recency preference", () => {
    // s0 (b, y) ended 3 days before the question, s1 (a, x) 1 day before.
    const sessions = [
      ['b', 'y'],
      ['a', 'x'],
    ];
    const opts = { k: 10, sampleSize: 100, lambdaSpw: 1e9, lambdaInh: 1e9, lambdaSnh: 1 };
    const stan = new Stan(opts);
    const vstan = new Vstan({ ...opts, lambdaIpw: 0.1, lambdaIdf: 0 });
    teach(stan, sessions, 0, DAY);
    teach(vstan, sessions, 0, DAY);
    // STAN: s1 is e^2 times more similar (recency), so a and x lead.
    expect(new Set(stan.recommend(context(['a', 'b'], 4 * DAY), 2))).toEqual(new Set(['a', 'x']));
    // VSTAN: s1 only shares a, one step back, and loses a factor e^-10.
    expect(new Set(vstan.recommend(context(['a', 'b'], 4 * DAY), 2))).toEqual(new Set(['b', 'y']));
  });
});
