// The Redis store's cheaper write mix (issue 17 item 1): expiries refreshed only when they have
// fallen more than the slack behind a fresh one, and sets counted (ZCARD) only when they may have
// outgrown their bound. The retention is raised between writes instead of waiting: a retention
// of 3,000 s has a slack of 100 s, so writes a moment apart are within it, and raising it to
// 6,000 s puts every expiry far behind a fresh one without any time passing.
import Redis from 'ioredis';
import { RedisStore } from '../../../src/store/redisStore';
import { userKeys } from '../../../src/store/redisUserWrites';
import { STAT_BOUNDS } from '../../../src/store/statBounds';
import { emptyUserState, type UserState } from '../../../src/recommend';
import type { PositionedDelta } from '../../../src/store/types';
import { uniqueId } from '../../helpers/gateway';
import { FIXED_FRAME } from '../../helpers/decay';

const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const SHORT = 3_000_000;
const LONG = 6_000_000;

let redis: Redis;
let store: RedisStore;
let retention: number;

beforeEach(() => {
  redis = new Redis(url);
  retention = SHORT;
  store = new RedisStore(redis, uniqueId('mix'), { retentionMs: () => retention });
});
afterEach(async () => {
  await store.clear();
  await redis.quit();
});

/** Each key's absolute expiry (ms): -1 none, -2 no such key. */
const expiries = (keys: string[]) => Promise.all(keys.map(async (key) => Number(await redis.call('PEXPIRETIME', key))));
const state = (...seen: string[]): UserState => ({ ...emptyUserState(), recent: [{ p: 'p1', t: 1 }], seen });
const list = {
  generatedAt: new Date(0).toISOString(),
  strategy: 'personalized' as const,
  arm: null,
  items: [{ productId: 'p1', score: 1, reason: 'TRENDING' as const }],
};

test("a user's seven keys share one expiry, kept by a save within the slack and moved by one past it", async () => {
  const keys = userKeys(store.keys, 'u');
  await store.saveUsers(new Map([['u', state('e1')]]), new Map([['u', '']]));
  await store.putRecs('u', list, 'e1');
  const [listed] = await expiries([keys[0]!]);
  expect(listed).toBeGreaterThan(0);
  // The second save creates the saved mark: it gets the others' expiry, which stays as it was.
  expect(await store.saveUsers(new Map([['u', state('e1', 'e2')]]), new Map([['u', 'e1']]))).toEqual({ refused: [] });
  expect(await expiries(keys)).toEqual(keys.map(() => listed));

  retention = LONG;
  await store.saveUsers(new Map([['u', state('e1', 'e2', 'e3')]]), new Map([['u', 'e2']]));
  const moved = await expiries(keys);
  expect(new Set(moved).size).toBe(1);
  expect(moved[0]!).toBeGreaterThanOrEqual(listed! + (LONG - SHORT));
});

test("a new shopper's list stored before any state takes the expiry of their first save", async () => {
  const keys = userKeys(store.keys, 'early');
  await store.putRecs('early', list);
  retention = LONG; // so that the list's expiry would lag the state's if the save left it alone
  await store.saveUsers(new Map([['early', state('e1')]]), new Map([['early', '']]));
  const all = await expiries(keys);
  const stateExpiry = all[0]!;
  expect(stateExpiry).toBeGreaterThan(0);
  // The list's keys that exist (recs, signature, version; the listed mark only with a basis) expire with the state.
  expect(all.filter((e) => e !== -2)).toEqual(all.filter((e) => e !== -2).map(() => stateExpiry));
  expect(all.filter((e) => e !== -2).length).toBeGreaterThanOrEqual(6);
});

test('a statistic written again within the slack keeps its expiry; a new set beside it gets one, and its hash outlives it; past the slack both move', async () => {
  const covis = (offset: number, from: string, to: string): PositionedDelta => ({ offset, delta: { kind: 'covis', from, to, incr: 1, frame: FIXED_FRAME } });
  const bought = (offset: number, from: string, to: string): PositionedDelta => ({ offset, delta: { kind: 'bought', from, to, incr: 1, frame: FIXED_FRAME } });
  const k = store.keys;
  await store.applyDeltas('s/0', [covis(0, 'a', 'x')]);
  const [set, hash] = await expiries([k.covis('a'), k.productWatermark('a')]);
  expect(set).toBeGreaterThan(0);
  expect(hash).toBeGreaterThanOrEqual(set!);

  await store.applyDeltas('s/0', [covis(1, 'a', 'y'), bought(1, 'a', 'z')]);
  const [setAgain, hashAgain, fresh] = await expiries([k.covis('a'), k.productWatermark('a'), k.bought('a')]);
  expect(setAgain).toBe(set);
  expect(fresh).toBeGreaterThan(0); // never a set without expiry
  expect(hashAgain).toBeGreaterThanOrEqual(fresh!); // the new set's fields must not expire before it

  await store.applyDeltas('s/0', [covis(2, 'a', 'y'), bought(2, 'a', 'x')]);
  expect(await expiries([k.covis('a'), k.productWatermark('a'), k.bought('a')])).toEqual([set, hashAgain, fresh]);

  retention = LONG;
  await store.applyDeltas('s/0', [covis(3, 'a', 'x')]);
  const [setMoved, hashMoved] = await expiries([k.covis('a'), k.productWatermark('a')]);
  expect(setMoved).toBeGreaterThanOrEqual(set! + (LONG - SHORT));
  expect(hashMoved).toBeGreaterThanOrEqual(setMoved!);
});

test('a neighbour list fed past its bound batch after batch never holds more than 1.25 times it, and keeps the highest', async () => {
  const bound = STAT_BOUNDS.neighbours;
  let offset = 0;
  let member = 0;
  const sizes: number[] = [];
  for (let batch = 0; batch < 40; batch++) {
    const deltas: PositionedDelta[] = Array.from({ length: 10 }, () => ({
      offset: offset++,
      delta: { kind: 'covis', from: 'a', to: `m${member}`, incr: ++member, frame: FIXED_FRAME },
    }));
    await store.applyDeltas('s/0', deltas);
    sizes.push(await redis.zcard(store.keys.covis('a')));
  }
  expect(Math.max(...sizes)).toBeLessThanOrEqual(bound * 1.25);
  expect(sizes.at(-1)!).toBeGreaterThanOrEqual(bound);
  const top = (await store.alsoViewed(['a'], bound)).get('a')!.map((s) => s.id);
  expect(top).toEqual(Array.from({ length: bound }, (_, i) => `m${member - 1 - i}`));
});

test('a batch touching thousands of category lists (more hash fields than one Lua call can unpack) is applied, and again', async () => {
  const categories = Array.from({ length: 3000 }, (_, i) => `c${i}`);
  const batch = (offset: number): PositionedDelta[] =>
    categories.map((category) => ({ offset, delta: { kind: 'trending', category, product: `p${offset}`, incr: 1, frame: FIXED_FRAME } }));
  await store.applyDeltas('s/0', batch(0));
  await store.applyDeltas('s/0', batch(1));
  const lists = await store.trending(['c0', 'c2999'], 5);
  for (const category of ['c0', 'c2999'])
    expect(
      lists
        .get(category)!
        .map((s) => s.id)
        .sort(),
    ).toEqual(['p0', 'p1']);
});
