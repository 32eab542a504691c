import { InvalidInputError } from '../../../src/errors';
import { defaultFlags, validateFlag } from '../../../src/flags/definitions';
import { emptyUserState, FEATURES, featureRows, HAND_MODEL, rankForUser, rerankCandidates, type RankInput } from '../../../src/recommend';

const user = {
  ...emptyUserState(),
  recent: [
    { p: 'a', t: 2 },
    { p: 'x', t: 1 },
  ],
};
const input = (over: Partial<RankInput> = {}): RankInput => ({
  user,
  strategy: 'personalized',
  flags: defaultFlags(),
  limit: 20,
  alsoViewed: new Map([
    [
      'a',
      [
        { id: 'b', score: 4 },
        { id: 'c', score: 2 },
        { id: 'e', score: 1 },
      ],
    ],
    [
      'x',
      [
        { id: 'c', score: 6 },
        { id: 'd', score: 3 },
        { id: 'e', score: 2 },
      ],
    ],
  ]),
  boughtTogether: new Map([['a', [{ id: 'c', score: 1 }]]]),
  trending: [
    { id: 't1', score: 10 },
    { id: 'b', score: 5 },
    { id: 'd', score: 4 },
  ],
  trendingByCategory: new Map(),
  unavailable: new Set(),
  ...over,
});

const col = (name: (typeof FEATURES)[number]) => FEATURES.indexOf(name);

describe("the learned blend's features", () => {
  test("each generator's score, normalised per list, for the candidates given (checked by hand)", () => {
    const rows = featureRows(['b', 'c', 'd'], {
      user,
      recent: ['a', 'x'],
      basket: ['a', 'x'],
      categories: [],
      alsoViewed: input().alsoViewed,
      boughtTogether: input().boughtTogether,
      trending: input().trending,
      trendingByCategory: new Map(),
      sessions: (id) => ({ b: 1, c: 0.5 })[id] ?? 0,
      idf: () => 2,
      keepViewed: false,
      covisItems: 5,
      covisDecay: 0.5,
      repeatDecay: 1,
    });
    const F = FEATURES.length;
    const at = (i: number, name: (typeof FEATURES)[number]) => rows[i * F + col(name)];
    // covis: a's list / 4, plus x's list / 6 x 0.5
    expect([at(0, 'covis'), at(1, 'covis'), at(2, 'covis')]).toEqual([1, 0.5 + 0.5, 0.25]);
    expect([at(0, 'covisLast'), at(1, 'covisLast'), at(2, 'covisLast')]).toEqual([1, 0.5, 0]);
    expect([at(0, 'bought'), at(1, 'bought'), at(2, 'bought')]).toEqual([0, 1, 0]);
    expect([at(0, 'popularity'), at(1, 'popularity'), at(2, 'popularity')]).toEqual([0.5, 0, 0.4].map(Math.fround));
    expect([at(0, 'sessionsIdf'), at(1, 'sessionsIdf'), at(2, 'covisIdf')]).toEqual([2, 1, 0.5]);
    expect([at(0, 'handRank'), at(1, 'handRank'), at(2, 'handRank')]).toEqual([1, 0.5, 1 / 3].map(Math.fround));
    expect(at(0, 'sessionsLog')).toBeCloseTo(Math.log1p(100), 5);
    expect([at(0, 'repeat'), at(0, 'onScreen')]).toEqual([0, 0]); // the live list never keeps the item on screen
  });

  test("the hand blend written as a model ranks the hand blend's candidates in the same order", () => {
    // By hand: trending sums to 19, d (4) is its floor; idf factors b 1 + ln(19/5), c/d/e 1 + ln(19/4).
    // c .2 x 1 x 2.558 + bought 1 = 1.51; b .2 x 2.335 = .47; e .2 x (.25 + .5 x 2/6) x 2.558 = .21; d .2 x .25 x 2.558 = .13.
    const hand = rankForUser(input()).map((i) => i.productId);
    expect(hand.slice(0, 4)).toEqual(['c', 'b', 'e', 'd']);
    expect(rankForUser(input({ model: HAND_MODEL })).map((i) => i.productId)).toEqual(hand);
    expect(rerankCandidates(input()).ids).toEqual(['c', 'b', 'e', 'd']);
  });

  test('a model re-orders them by its weights: bought-together alone puts c first and ranks the rest by id', () => {
    const list = rankForUser(input({ model: { name: 'bought-only', weights: { bought: 5 } } }));
    expect(list.map((i) => i.productId).slice(0, 4)).toEqual(['c', 'b', 'd', 'e']);
    const byPopularity = rankForUser(input({ model: { name: 'pop', weights: { popularity: 1 } } })).map((i) => i.productId);
    expect(byPopularity.slice(0, 4)).toEqual(['b', 'd', 'c', 'e']);
  });
});

describe('the ranker.model flag', () => {
  test('is null (the hand blend) by default and takes a named model of known features', () => {
    expect(defaultFlags()['ranker.model']).toBeNull();
    expect(validateFlag('ranker.model', { name: 'blend-42', weights: { sessions: 2, covisLast: -0.5 } })).toEqual({
      name: 'blend-42',
      weights: { sessions: 2, covisLast: -0.5 },
    });
    expect(validateFlag('ranker.model', null)).toBeNull();
  });

  test.each([
    [{ name: 'm', weights: { nope: 1 } }, 'ranker.model.weights.nope', /unknown feature; known: sessions, covis/],
    [{ name: 'm', weights: { sessions: 'high' } }, 'ranker.model.weights.sessions', /expected a number/],
    [{ name: 'has space', weights: {} }, 'ranker.model.name', /letters, digits/],
    [{ name: 'm', weights: [] }, 'ranker.model.weights', /object of feature weights/],
    [{ name: 'm', weights: {}, extra: 1 }, 'ranker.model', /unknown field "extra"/],
    [7, 'ranker.model', /expected \{"name"/],
  ])('refuses %j naming the field', (value, field, reason) => {
    let error: unknown;
    try {
      validateFlag('ranker.model', value);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe(field);
    expect((error as Error).message).toMatch(reason);
  });
});
