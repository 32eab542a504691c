import { defaultFlags } from '../../../src/flags/definitions';
import { assignStrategy, emptyUserState, rankForUser, servedStrategy, type RankInput } from '../../../src/recommend';

const base = (over: Partial<RankInput> = {}): RankInput => ({
  user: {
    ...emptyUserState(),
    recent: [
      { p: 'a', t: 2 },
      { p: 'x', t: 1 },
    ],
  },
  strategy: 'personalized',
  flags: defaultFlags(),
  limit: 5,
  alsoViewed: new Map([
    [
      'a',
      [
        { id: 'b', score: 4 },
        { id: 'c', score: 2 },
      ],
    ],
  ]),
  boughtTogether: new Map(),
  trending: [
    { id: 't1', score: 10 },
    { id: 'b', score: 5 },
  ],
  trendingByCategory: new Map(),
  unavailable: new Set(),
  ...over,
});

describe('ranking a user list', () => {
  test('neighbours of the recent items come first, then trending fills the list', () => {
    const list = rankForUser(base());
    expect(list.map((i) => [i.productId, i.reason])).toEqual([
      ['b', 'ALSO_VIEWED'],
      ['c', 'ALSO_VIEWED'],
      ['t1', 'TRENDING'],
    ]);
  });

  test('the item just viewed, purchases and cart items are left out when the flags say so', () => {
    const user = { ...emptyUserState(), recent: [{ p: 'a', t: 2 }], purchased: ['b'], cart: ['c'] };
    const ids = rankForUser(
      base({
        user,
        alsoViewed: new Map([
          [
            'a',
            [
              { id: 'a', score: 9 },
              { id: 'b', score: 4 },
              { id: 'c', score: 2 },
              { id: 'd', score: 1 },
            ],
          ],
        ]),
      }),
    ).map((i) => i.productId);
    expect(ids).toEqual(['d', 't1']);
    const keep = rankForUser(base({ user, flags: { ...defaultFlags(), 'filters.excludePurchased': false, 'filters.excludeInCart': false } })).map(
      (i) => i.productId,
    );
    expect(keep).toEqual(expect.arrayContaining(['b', 'c']));
  });

  test('out-of-stock products never appear', () => {
    expect(rankForUser(base({ unavailable: new Set(['b', 't1']) })).map((i) => i.productId)).toEqual(['c']);
  });

  test('bought-together outweighing also-viewed gives the reason BOUGHT_TOGETHER', () => {
    const list = rankForUser(base({ boughtTogether: new Map([['a', [{ id: 'c', score: 10 }]]]) }));
    expect(list.find((i) => i.productId === 'c')?.reason).toBe('BOUGHT_TOGETHER');
  });

  test('a category the user keeps visiting fills before global trending', () => {
    const user = { ...emptyUserState(), recent: [{ p: 'a', t: 1 }], cats: { shoes: 5 } };
    const list = rankForUser(base({ user, alsoViewed: new Map(), trendingByCategory: new Map([['shoes', [{ id: 's1', score: 3 }]]]) }));
    expect(list.map((i) => [i.productId, i.reason])).toEqual([
      ['s1', 'CATEGORY_AFFINITY'],
      ['t1', 'TRENDING'],
      ['b', 'TRENDING'],
    ]);
  });

  test('an item the shopper viewed earlier that comes back through a neighbour list is labelled RECENTLY_VIEWED, not ALSO_VIEWED', () => {
    // The shopper viewed x, then a; a's neighbours list x (the way back) and b.
    const alsoViewed = new Map([
      [
        'a',
        [
          { id: 'x', score: 6 },
          { id: 'b', score: 4 },
        ],
      ],
    ]);
    const list = rankForUser(base({ alsoViewed }));
    expect(list.map((i) => [i.productId, i.reason])).toEqual([
      ['x', 'RECENTLY_VIEWED'],
      ['b', 'ALSO_VIEWED'],
      ['t1', 'TRENDING'],
    ]);
    // The kill switch serves trending only: no reminder label there either.
    const trendingOnly = rankForUser(base({ alsoViewed, strategy: 'trending', trending: [{ id: 'x', score: 3 }] }));
    expect(trendingOnly.map((i) => [i.productId, i.reason])).toEqual([['x', 'TRENDING']]);
  });

  test('a newcomer assigned the personalised strategy is reported as served trending; a list with a personal item stays personalized', () => {
    const newcomer = rankForUser(base({ user: emptyUserState() }));
    expect(newcomer.map((i) => i.reason)).toEqual(['TRENDING', 'TRENDING']);
    expect(servedStrategy('personalized', newcomer)).toBe('trending');
    const known = rankForUser(base());
    expect(servedStrategy('personalized', known)).toBe('personalized');
    expect(servedStrategy('trending', known)).toBe('trending');
    // Nothing at all yet (no activity in the shop): no personal item was served either.
    expect(servedStrategy('personalized', [])).toBe('trending');
  });

  test('the trending kill switch gives everyone trending only', () => {
    const list = rankForUser(base({ strategy: 'trending' }));
    expect(list.length).toBeGreaterThan(0);
    expect(list.filter((i) => i.reason !== 'TRENDING')).toEqual([]);
  });
});

describe('experiment arms', () => {
  const flags = {
    ...defaultFlags(),
    'experiment.recs': {
      arms: [
        { name: 'control', strategy: 'trending' as const, share: 0.3 },
        { name: 'treatment', strategy: 'personalized' as const, share: 0.7 },
      ],
    },
  };

  test('the same user always lands in the same arm', () => {
    // Asked again with an equal (not the same) flags value, each of 200 users keeps their arm,
    // and both arms are in use, so a constant answer cannot pass.
    const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    const first = users.map((u) => assignStrategy(u, flags).arm);
    expect(users.map((u) => assignStrategy(u, structuredClone(flags)).arm)).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['control', 'treatment']));
  });

  test('arm shares hold within a tolerance over many users', () => {
    let control = 0;
    for (let i = 0; i < 10_000; i++) if (assignStrategy(`user-${i}`, flags).arm === 'control') control++;
    expect(control / 10_000).toBeGreaterThan(0.28);
    expect(control / 10_000).toBeLessThan(0.32);
  });

  test('the kill switch wins over an experiment', () => {
    expect(assignStrategy('u', { ...flags, 'recs.strategy': 'trending' })).toEqual({ strategy: 'trending', arm: null });
  });
});
