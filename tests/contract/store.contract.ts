// What every store adapter must do, part by part (src/store/types.ts); run against MemoryStore
// (unit) and RedisStore (integration).
import { basisOf, type ClearableStore, type PositionedDelta, type RecStore, type StoredRecs } from '../../src/store/types';
import { decayedWeight, emptyUserState, type UserState } from '../../src/recommend';
import { seededRandom } from '../../src/util/seededRandom';
import { eventually } from '../helpers/gateway';
import type { StatDelta } from '../../src/recommend';
import { FIXED_FRAME } from '../helpers/decay';

/** A store whose keys expire `retentionMs` after their last write, and the clock it judges by. */
export interface ExpiringStore {
  store: RecStore & ClearableStore;
  close: () => Promise<void>;
  /** Lets `ms` pass on the store's clock (the memory store's injected clock; real time for Redis). */
  elapse: (ms: number) => Promise<void>;
  now: () => number;
}

export function storeContract(
  name: string,
  make: () => Promise<{ store: RecStore & ClearableStore; close: () => Promise<void> }>,
  makeExpiring?: (retentionMs: number) => Promise<ExpiringStore>,
): void {
  if (makeExpiring) retentionContract(name, makeExpiring);
  describe(`the store contract (${name})`, () => {
    let store: RecStore & ClearableStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, close } = await make());
    });
    afterEach(async () => {
      await store.clear();
      await close();
    });

    /** Every adapter under contract is also a feed (the memory store is one; the Redis one is given its RedisFeed). */
    const feedOf = () => {
      if (!('subscribe' in store)) throw new Error(`the ${name} store under contract has no subscribe(): give it its feed`);
      return store as unknown as { subscribe: (u: string, l: (r: StoredRecs) => void) => Promise<() => Promise<void>> };
    };

    const covis = (from: string, to: string, incr: number): StatDelta => ({ kind: 'covis', from, to, incr, frame: FIXED_FRAME });

    // Forward decay without a shared landmark (src/recommend/decay.ts): every list keeps its own frame.
    const HOUR = 3_600_000;
    const trendingAt = (offset: number, product: string, weight: number, at: number, halfLifeHours: number): PositionedDelta => {
      const { value, frame } = decayedWeight(weight, at, halfLifeHours);
      return { offset, delta: { kind: 'trending', category: null, product, incr: value, frame } };
    };

    const stateAfter = (...eventIds: string[]): UserState => ({ ...emptyUserState(), seen: eventIds });
    const listOf = (productId: string) => ({
      generatedAt: new Date(0).toISOString(),
      strategy: 'personalized' as const,
      arm: null,
      items: [{ productId, score: 1, reason: 'ALSO_VIEWED' as const }],
    });

    describe('statistics (StatsStore)', () => {
      test('decayed scores stay finite and rank as exponentially decayed sums across ten simulated years', async () => {
        const seed = 20261129;
        const next = seededRandom(seed);
        const events: { product: string; weight: number; at: number }[] = [];
        let offset = 0;
        // One batch every ~50 hours at a 1-hour half-life for ten years: ~1,750 batches, 87,600 half-lives.
        for (let at = Date.UTC(2030, 0, 1); at < Date.UTC(2040, 0, 1); at += (40 + Math.floor(next() * 20)) * HOUR) {
          const batch: PositionedDelta[] = [];
          for (let i = 0; i < 3; i++) {
            const event = { product: `p${Math.floor(next() * 12)}`, weight: 1 + Math.floor(next() * 5), at: at + Math.floor(next() * 3 * HOUR) };
            events.push(event);
            batch.push(trendingAt(offset++, event.product, event.weight, event.at, 1));
          }
          await store.applyDeltas('view-events/0', batch);
        }
        // The truth at the end, in log space: sum of w * 2^((t - end) / H) per product.
        const end = Math.max(...events.map((e) => e.at));
        const truth = new Map<string, number>();
        for (const e of events) truth.set(e.product, (truth.get(e.product) ?? 0) + e.weight * 2 ** ((e.at - end) / HOUR));
        const expected = [...truth].filter(([, v]) => v > 2 ** -900).sort((a, b) => b[1] - a[1]);
        expect(expected.length).toBeGreaterThan(3); // the comparison below is not empty
        const stored = (await store.trending([null], 100)).get(null)!;
        const top = stored[0]!.score;
        try {
          for (const s of stored) expect(Number.isFinite(s.score) && s.score > 0 && s.score < 100).toBe(true);
          // Same order, and the same ratios to the leader, as the decayed sums.
          expect(stored.slice(0, expected.length).map((s) => s.id)).toEqual(expected.map(([id]) => id));
          expected.forEach(([, value], i) => expect(stored[i]!.score / top).toBeCloseTo(value / expected[0]![1], 9));
        } catch (err) {
          throw new Error(`seed ${seed}: ${(err as Error).message}`, { cause: err });
        }
      });

      test('a half-life change rescales each list at its next write and never reorders what it holds', async () => {
        const t0 = Date.UTC(2031, 5, 1, 3);
        await store.applyDeltas('view-events/0', [trendingAt(0, 'old-a', 3, t0, 24), trendingAt(1, 'old-b', 2, t0 + 5 * HOUR, 24)]);
        const before = (await store.trending([null], 10)).get(null)!;
        // Ten days later the flag says 6 hours: the list is carried over at its value at the start of
        // the writing batch's 6-hour period r, and everything decays at 6 hours from there.
        const t1 = t0 + 240 * HOUR + 7 * HOUR;
        await store.applyDeltas('view-events/0', [trendingAt(2, 'new', 1, t1, 6)]);
        const after = new Map((await store.trending([null], 10)).get(null)!.map((s) => [s.id, s.score]));
        const r = Math.floor(t1 / (6 * HOUR)) * 6 * HOUR;
        const valueAt = (weight: number, at: number) => weight * 2 ** (-(r - at) / (24 * HOUR)) * 2 ** (-(t1 - r) / (6 * HOUR));
        expect(after.get('old-a')! / after.get('new')!).toBeCloseTo(valueAt(3, t0), 12);
        expect(after.get('old-b')! / after.get('new')!).toBeCloseTo(valueAt(2, t0 + 5 * HOUR), 12);
        // The change itself scaled the old entries by one factor: their order and ratio are as before.
        expect(after.get('old-a')! / after.get('old-b')!).toBeCloseTo(before[0]!.score / before[1]!.score, 12);
        // And a later write at 6 hours is one exact power of two away.
        await store.applyDeltas('view-events/0', [trendingAt(3, 'newer', 1, t1 + 18 * HOUR, 6)]);
        const last = new Map((await store.trending([null], 10)).get(null)!.map((s) => [s.id, s.score]));
        expect(last.get('newer')! / last.get('new')!).toBeCloseTo(2 ** 3, 12);
      });

      test('deltas add up and lists come back highest first', async () => {
        await store.applyDeltas('view-events/0', [
          { offset: 0, delta: covis('a', 'b', 1) },
          { offset: 1, delta: covis('a', 'c', 3) },
          { offset: 2, delta: covis('a', 'b', 1.5) },
          { offset: 3, delta: { kind: 'trending', category: null, product: 'b', incr: 2, frame: FIXED_FRAME } },
          { offset: 3, delta: { kind: 'trending', category: 'shoes', product: 'b', incr: 2, frame: FIXED_FRAME } },
          { offset: 4, delta: { kind: 'bought', from: 'a', to: 'd', incr: 1, frame: FIXED_FRAME } },
        ]);
        expect((await store.alsoViewed(['a', 'zz'], 10)).get('a')).toEqual([
          { id: 'c', score: 3 },
          { id: 'b', score: 2.5 },
        ]);
        expect((await store.alsoViewed(['zz'], 10)).get('zz')).toEqual([]);
        expect((await store.boughtTogether(['a'], 10)).get('a')).toEqual([{ id: 'd', score: 1 }]);
        const trending = await store.trending([null, 'shoes', 'hats'], 10);
        expect(trending.get(null)).toEqual([{ id: 'b', score: 2 }]);
        expect(trending.get('shoes')).toEqual([{ id: 'b', score: 2 }]);
        expect(trending.get('hats')).toEqual([]);
      });

      test('a batch delivered again from the same source adds nothing twice', async () => {
        const batch = [
          { offset: 10, delta: covis('a', 'b', 1) },
          { offset: 11, delta: covis('x', 'y', 1) },
        ];
        await store.applyDeltas('view-events/0', batch);
        await store.applyDeltas('view-events/0', batch);
        // A longer redelivery that starts inside the applied range adds only what is new.
        await store.applyDeltas('view-events/0', [...batch, { offset: 12, delta: covis('a', 'b', 5) }]);
        expect((await store.alsoViewed(['a', 'x'], 10)).get('a')).toEqual([{ id: 'b', score: 6 }]);
        expect((await store.alsoViewed(['x'], 10)).get('x')).toEqual([{ id: 'y', score: 1 }]);
        // The same offsets from another partition are different events.
        await store.applyDeltas('view-events/1', batch);
        expect((await store.alsoViewed(['a'], 10)).get('a')).toEqual([{ id: 'b', score: 7 }]);
      });

      test('per product, the users who touched it come back newest first, each at their latest time', async () => {
        const touch = (offset: number, product: string, user: string, at: number) => ({ offset, delta: { kind: 'session' as const, product, user, at } });
        await store.applyDeltas('view-events/0', [touch(0, 'a', 'u1', 100), touch(1, 'a', 'u2', 200), touch(2, 'a', 'u1', 300), touch(3, 'b', 'u2', 50)]);
        // An older time never moves a user back, and a redelivered batch changes nothing.
        await store.applyDeltas('view-events/1', [touch(0, 'a', 'u1', 150)]);
        await store.applyDeltas('view-events/0', [touch(2, 'a', 'u1', 999)]);
        const lists = await store.recentSessions(['a', 'b', 'zz'], 10);
        expect(lists.get('a')).toEqual([
          { id: 'u1', score: 300 },
          { id: 'u2', score: 200 },
        ]);
        expect(lists.get('b')).toEqual([{ id: 'u2', score: 50 }]);
        expect(lists.get('zz')).toEqual([]);
        expect((await store.recentSessions(['a'], 1)).get('a')).toEqual([{ id: 'u1', score: 300 }]);
      });
    });

    describe('shopper state (ShopperStore)', () => {
      test("a saved user's recent items can be read alone, newest first and bounded", async () => {
        const user = {
          recent: [
            { p: 'c', t: 3 },
            { p: 'b', t: 2 },
            { p: 'a', t: 1 },
          ],
          cart: [],
          purchased: [],
          cats: {},
          seen: ['e1'],
        };
        await store.saveUsers(new Map([['u1', user]]));
        const recent = await store.recentItems(['u1', 'nobody'], 2);
        expect(recent.get('u1')).toEqual([
          { p: 'c', t: 3 },
          { p: 'b', t: 2 },
        ]);
        expect(recent.has('nobody')).toBe(false);
      });

      test('user states round-trip', async () => {
        const user = { recent: [{ p: 'a', t: 1 }], cart: ['b'], purchased: [], cats: { shoes: 2 }, seen: ['e1'] };
        await store.saveUsers(new Map([['u1', user]]));
        const loaded = await store.loadUsers(['u1', 'u2']);
        expect(loaded.get('u1')).toEqual(user);
        expect(loaded.has('u2')).toBe(false);
      });

      test('a state write computed from a state that is no longer stored is refused and changes nothing', async () => {
        const s1 = stateAfter('e1');
        await store.saveUsers(new Map([['u1', s1]]));
        // The new owner moves u1 on from s1; a paused member, still holding s1, then writes its own successor.
        const owner = stateAfter('e1', 'e2', 'e3');
        expect(await store.saveUsers(new Map([['u1', owner]]), new Map([['u1', basisOf(s1)]]))).toEqual({ refused: [] });
        const stale = { ...stateAfter('e1', 'e2'), cart: ['lost'] };
        const other = stateAfter('f1');
        const result = await store.saveUsers(
          new Map([
            ['u1', stale],
            ['u2', other],
          ]),
          new Map([
            ['u1', basisOf(s1)],
            ['u2', ''],
          ]),
        );
        expect(result).toEqual({ refused: ['u1'] });
        const loaded = await store.loadUsers(['u1', 'u2']);
        expect(loaded.get('u1')).toEqual(owner);
        expect(loaded.get('u2')).toEqual(other); // fenced per user: u2 moved on from nothing, as expected
        // A state computed from "no state" is refused once somebody saved one.
        expect(await store.saveUsers(new Map([['u2', stateAfter('f2')]]), new Map([['u2', '']]))).toEqual({ refused: ['u2'] });
        expect((await store.recentItems(['u1'], 10)).get('u1')).toEqual(owner.recent);
      });

      test('the fence follows the state through a stored list: after the list is brought up to date, the same state still admits its successor', async () => {
        const s1 = stateAfter('e1');
        await store.saveUsers(new Map([['u1', s1]]));
        await store.putRecs('u1', listOf('a'), basisOf(s1)); // the list is fresh now (the stale mark is gone)
        expect(await store.saveUsers(new Map([['u1', stateAfter('e1', 'e2')]]), new Map([['u1', basisOf(s1)]]))).toEqual({ refused: [] });
        expect(await store.saveUsers(new Map([['u1', stateAfter('e1', 'x')]]), new Map([['u1', basisOf(s1)]]))).toEqual({ refused: ['u1'] });
        expect((await store.loadUsers(['u1'])).get('u1')?.seen).toEqual(['e1', 'e2']);
      });
    });

    describe('lists and their feed (ListStore, RecsFeed)', () => {
      test('a changed list gets the next version and reaches subscribers; an unchanged one does neither', async () => {
        const feed = feedOf();
        const seen: number[] = [];
        const stop = await feed.subscribe('u1', (r) => seen.push(r.version));
        const list = {
          generatedAt: new Date(0).toISOString(),
          strategy: 'personalized' as const,
          arm: null,
          items: [{ productId: 'a', score: 1, reason: 'TRENDING' as const }],
        };
        const first = await store.putRecs('u1', list);
        const same = await store.putRecs('u1', { ...list, generatedAt: new Date(1).toISOString() });
        const other = await store.putRecs('u1', { ...list, items: [{ productId: 'b', score: 1, reason: 'ALSO_VIEWED' }] });
        expect([first.changed, same.changed, other.changed]).toEqual([true, false, true]);
        // Versions are millisecond-based (nextVersion), so not 1, 2: the same one for the unchanged list, a higher one for the change.
        const v1 = first.recs!.version;
        expect(v1).toBeGreaterThan(1_000_000_000_000);
        expect(same.recs?.version).toBe(v1);
        expect(other.recs!.version).toBeGreaterThan(v1);
        expect((await store.readRecs('u1')).recs?.items[0]?.productId).toBe('b');
        // One channel delivers in publish order: once the changed version is in, a publish of the
        // unchanged write (made before it) would be in too.
        await eventually(
          async () => seen.length,
          (n) => n >= 2,
          5_000,
          5,
        );
        await stop();
        expect(seen).toEqual([v1, other.recs!.version]);
      });

      test('a list stored after the store lost everything gets a higher version than any before', async () => {
        const list = {
          generatedAt: new Date(0).toISOString(),
          strategy: 'personalized' as const,
          arm: null,
          items: [{ productId: 'a', score: 1, reason: 'TRENDING' as const }],
        };
        let last = 0;
        for (const id of ['x', 'y', 'z']) {
          const put = await store.putRecs('u-loss', { ...list, items: [{ productId: id, score: 1, reason: 'TRENDING' }] });
          expect(put.recs!.version).toBeGreaterThan(last);
          last = put.recs!.version;
        }
        await store.clear(); // what a FLUSHALL or a restart without persistence leaves
        // The guarantee holds once the clock has passed the last version (a real outage lasts far longer than the
        // few milliseconds three quick changes can run ahead of it).
        while (Date.now() <= last) await new Promise((r) => setTimeout(r, 1));
        expect((await store.readRecs('u-loss')).recs).toBeNull();
        const after = await store.putRecs('u-loss', list);
        expect(after.recs!.version).toBeGreaterThan(last);
      });

      test('saving a user state marks their list stale until a list computed from that state is stored', async () => {
        expect(await store.readRecs('u1')).toEqual({ recs: null, stale: false });
        const state = stateAfter('e1');
        await store.saveUsers(new Map([['u1', state]]));
        expect((await store.readRecs('u1')).stale).toBe(true);
        const put = await store.putRecs('u1', listOf('a'), basisOf(state));
        expect([put.changed, put.superseded]).toEqual([true, false]);
        expect(await store.readRecs('u1')).toEqual({ recs: put.recs, stale: false });
      });

      test('a list computed from an older state than the newest saved or listed one is not stored', async () => {
        const older = stateAfter('e1');
        const newer = stateAfter('e1', 'e2');
        await store.saveUsers(new Map([['u1', older]]));
        await store.saveUsers(new Map([['u1', newer]]));
        const late = await store.putRecs('u1', listOf('a'), basisOf(older));
        expect([late.changed, late.superseded, late.recs]).toEqual([false, true, null]);
        expect((await store.readRecs('u1')).stale).toBe(true);
        const current = await store.putRecs('u1', listOf('b'), basisOf(newer));
        expect(current.recs?.items[0]?.productId).toBe('b');
        // Listed from the newest state: a slow reader still holding the older one cannot overwrite it.
        const slow = await store.putRecs('u1', listOf('a'), basisOf(older));
        expect([slow.superseded, slow.recs?.items[0]?.productId]).toEqual([true, 'b']);
        expect((await store.readRecs('u1')).recs?.items[0]?.productId).toBe('b');
      });
    });

    describe('presence (PresenceStore)', () => {
      test('listening names exactly the users somebody is subscribed to', async () => {
        const feed = feedOf();
        expect([...(await store.listening(['u1', 'u2']))]).toEqual([]);
        const stop = await feed.subscribe('u2', () => {});
        expect([...(await store.listening(['u1', 'u2', 'u3']))]).toEqual(['u2']);
        await stop();
        expect([...(await store.listening(['u1', 'u2']))]).toEqual([]);
      });
    });

    describe('the catalogue (CatalogStore)', () => {
      test('products round-trip and out-of-stock ones are listed as unavailable', async () => {
        await store.upsertProducts([
          { id: 'p1', name: 'Boot', category: 'shoes', price: 80, inStock: true, imageUrl: null },
          { id: 'p2', name: 'Hat', category: null, price: null, inStock: false, imageUrl: null },
        ]);
        const [p1, missing] = await store.getProducts(['p1', 'nope']);
        expect(p1?.name).toBe('Boot');
        expect(missing).toBeNull();
        expect([...(await store.unavailableProducts())]).toEqual(['p2']);
        await store.upsertProducts([{ id: 'p2', name: 'Hat', category: null, price: null, inStock: true, imageUrl: null }]);
        expect([...(await store.unavailableProducts())]).toEqual([]);
      });
    });
  });
}

/** Retention (issue 15 item 8): what expires, when, and that nothing breaks when it has. */
function retentionContract(name: string, make: (retentionMs: number) => Promise<ExpiringStore>): void {
  // Long enough that a loaded machine's stalls between steps stay well inside the margins below.
  const R = 1500;
  const state = (...seen: string[]): UserState => ({ ...emptyUserState(), recent: [{ p: `p-${seen.at(-1)}`, t: 1 }], seen });
  const list = (id: string) => ({
    generatedAt: new Date(0).toISOString(),
    strategy: 'personalized' as const,
    arm: null,
    items: [{ productId: id, score: 1, reason: 'TRENDING' as const }],
  });

  describe(`retention (${name})`, () => {
    let s: ExpiringStore;
    beforeEach(async () => {
      s = await make(R);
    });
    afterEach(async () => {
      await s.store.clear();
      await s.close();
    });

    test('a shopper inactive past the retention has nothing left; one active within it keeps state and list', async () => {
      const { store } = s;
      for (const u of ['idle', 'active']) {
        await store.saveUsers(new Map([[u, state('e1')]]), new Map([[u, '']]));
        await store.putRecs(u, list('p1'), 'e1');
      }
      await s.elapse(1000);
      await store.saveUsers(new Map([['active', state('e1', 'e2')]]), new Map([['active', 'e1']]));
      await s.elapse(700); // idle: 1,700 ms since its last write; active: 700
      expect([...(await store.loadUsers(['idle', 'active'])).keys()]).toEqual(['active']);
      expect([...(await store.recentItems(['idle', 'active'], 5)).keys()]).toEqual(['active']);
      expect(await store.readRecs('idle')).toEqual({ recs: null, stale: false });
      const active = await store.readRecs('active');
      expect(active.recs?.items.map((i) => i.productId)).toEqual(['p1']);
      expect(active.stale).toBe(true); // the state saved after the list is still marked
    });

    test('a returning shopper after expiry is saved and listed from an empty state, fenced, with nothing refused', async () => {
      const { store } = s;
      await store.saveUsers(new Map([['back', state('old1', 'old2')]]), new Map([['back', '']]));
      const first = await store.putRecs('back', list('p1'), 'old2');
      await s.elapse(R + 200);
      expect((await store.loadUsers(['back'])).size).toBe(0); // a new shopper to the scorer: basis ''
      expect(await store.saveUsers(new Map([['back', state('new1')]]), new Map([['back', '']]))).toEqual({ refused: [] });
      const again = await store.putRecs('back', list('p2'), 'new1');
      expect(again).toMatchObject({ changed: true, superseded: false });
      // The version still grows past the one the shopper's screen may remember.
      expect(again.recs!.version).toBeGreaterThan(first.recs!.version);
      expect((await store.loadUsers(['back'])).get('back')?.seen).toEqual(['new1']);
    });

    test('a statistic expires the retention after its last write; one written within it stays', async () => {
      const { store } = s;
      const covis = (offset: number, from: string, to: string): PositionedDelta => ({
        offset,
        delta: { kind: 'covis', from, to, incr: 1, frame: FIXED_FRAME },
      });
      await store.applyDeltas('view-events/0', [covis(0, 'gone', 'x'), covis(1, 'kept', 'x')]);
      await s.elapse(1000);
      await store.applyDeltas('view-events/0', [covis(2, 'kept', 'y')]);
      await s.elapse(700);
      const lists = await store.alsoViewed(['gone', 'kept'], 10);
      expect(lists.get('gone')).toEqual([]);
      expect(
        lists
          .get('kept')!
          .map((e) => e.id)
          .sort(),
      ).toEqual(['x', 'y']);
    });

    test("an expired shopper in a product's recent users is skipped on read and pruned by the next prune", async () => {
      const { store } = s;
      const session = (offset: number, user: string, at: number): PositionedDelta => ({ offset, delta: { kind: 'session', product: 'p', user, at } });
      await store.saveUsers(new Map([['gone', state('e1')]]));
      await store.applyDeltas('view-events/0', [session(0, 'gone', s.now())]);
      await s.elapse(1000);
      // Another shopper keeps the product's list alive past the first one's expiry.
      await store.saveUsers(new Map([['here', state('e2')]]));
      await store.applyDeltas('view-events/0', [session(1, 'here', s.now())]);
      await s.elapse(700);
      expect((await store.recentSessions(['p'], 10)).get('p')!.map((e) => e.id)).toEqual(['here', 'gone']);
      expect([...(await store.recentItems(['gone', 'here'], 5)).keys()]).toEqual(['here']);
      let pruned = 0;
      for (let run = 0; run < 10_000; run++) {
        const result = await store.prune(1000, s.now());
        pruned += result.removed;
        if (result.complete) break;
      }
      expect(pruned).toBeGreaterThanOrEqual(1);
      expect((await store.recentSessions(['p'], 10)).get('p')!.map((e) => e.id)).toEqual(['here']);
    });
  });
}
