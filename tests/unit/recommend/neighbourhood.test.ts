import { defaultFlags } from '../../../src/flags/definitions';
import {
  emptyUserState,
  learnEvent,
  neighbourScores,
  planNeighbours,
  rankForUser,
  type Candidate,
  type RankInput,
  type RecentItem,
  type UserState,
} from '../../../src/recommend';

const user = (...items: string[]): UserState => ({ ...emptyUserState(), recent: items.map((p, i) => ({ p, t: 1000 - i })) });
const items = (t: number, ...ps: string[]): RecentItem[] => ps.map((p, i) => ({ p, t: t - i }));
const sessionScores = (u: UserState, neighbours: Map<string, RecentItem[]>) => {
  const table = new Map<string, Candidate>();
  neighbourScores(u, neighbours, 1000, table);
  return (id: string) => table.get(id)?.sessions ?? 0;
};

describe('session neighbourhood', () => {
  test('learning a view records who touched the product and when', () => {
    const learned = learnEvent(
      emptyUserState(),
      { eventId: 'e1', userId: 'u1', type: 'view', productIds: ['a'], at: 5 },
      {
        flags: defaultFlags(),
        categoryOf: () => null,
      },
    );
    expect(learned.deltas).toContainEqual({ kind: 'session', product: 'a', user: 'u1', at: 5 });
  });

  test('the most recent users sharing an item are read, each once, never the user themself', () => {
    const lists = new Map([
      [
        'a',
        [
          { id: 'me', score: 90 },
          { id: 'n1', score: 80 },
          { id: 'n2', score: 20 },
        ],
      ],
      [
        'b',
        [
          { id: 'n3', score: 70 },
          { id: 'n1', score: 60 },
          { id: 'n4', score: 10 },
        ],
      ],
    ]);
    expect(planNeighbours('me', lists)).toEqual(['n1', 'n3', 'n2', 'n4']);
    expect(planNeighbours('me', lists, { ...defaultParams(), sample: 2 })).toEqual(['n1', 'n3']);
  });

  test("a neighbour's items near the shared item score more than far ones", () => {
    const score = sessionScores(user('a'), new Map([['n', items(900, 'x', 'a', 'y', 'z')]]));
    expect(score('x')).toBeGreaterThan(score('z'));
    expect(score('y')).toBeGreaterThan(score('z'));
    expect(score('a')).toBeGreaterThan(score('x')); // the shared item itself: what was just viewed returns often
  });

  test('a neighbour matching the latest item outweighs one matching an older item', () => {
    const score = sessionScores(
      user('a', 'b'),
      new Map([
        ['n1', items(900, 'x', 'a')],
        ['n2', items(900, 'y', 'b')],
      ]),
    );
    expect(score('x')).toBeGreaterThan(score('y'));
  });

  test('session neighbours reach the list as ALSO_VIEWED; the item on screen only when the caller keeps viewed items', () => {
    const input: RankInput = {
      user: user('a'),
      strategy: 'personalized',
      flags: defaultFlags(),
      limit: 5,
      alsoViewed: new Map(),
      boughtTogether: new Map(),
      trending: [],
      trendingByCategory: new Map(),
      unavailable: new Set(),
      neighbours: new Map([['n', items(900, 'x', 'a')]]),
      now: 1000,
    };
    const live = rankForUser(input);
    expect(live.map((i) => [i.productId, i.reason])).toEqual([['x', 'ALSO_VIEWED']]);
    expect(rankForUser({ ...input, keepViewed: true }).map((i) => i.productId)).toEqual(['a', 'x']);
  });
});

function defaultParams() {
  // the defaults, spelled out so that the test reads on its own
  return { queryItems: 10, usersPerItem: 200, sample: 500, itemsPerNeighbour: 30, k: 500, spw: 8, snhDays: 10, inh: 8, ipw: 0.5 };
}
