// The hub behind held subscriptions (src/live/liveHub.ts): one feed listener per shopper, one
// production per list version and key, newest-only delivery, and the feed released with the last.
import { defaultFlags } from '../../../src/flags/definitions';
import { LiveHub } from '../../../src/live/liveHub';
import { LocalSubscribers } from '../../../src/live/localSubscribers';
import { Recommender } from '../../../src/recommender/recommender';
import { MemoryStore } from '../../../src/store/memoryStore';
import type { StoredRecs } from '../../../src/store/types';
import { eventually } from '../../helpers/gateway';

function setup() {
  const store = new MemoryStore();
  const recommender = new Recommender({ store, flags: () => defaultFlags() });
  const subscribers = new LocalSubscribers();
  const hub = new LiveHub({ feed: subscribers.track(store), recommender });
  let seq = 0;
  /** Stores a new list for the shopper (a new version, published on the feed). */
  const change = (userId: string) =>
    store.putRecs(userId, {
      generatedAt: new Date().toISOString(),
      strategy: 'personalized',
      arm: null,
      items: [{ productId: `p${++seq}`, score: 1, reason: 'TRENDING' }],
    });
  return { store, recommender, subscribers, hub, change };
}

/** Pulls values as graphql-ws does (the next one after the last was handled). */
function drain<T>(it: AsyncIterator<T>): T[] {
  const got: T[] = [];
  void (async () => {
    for (let r = await it.next(); !r.done; r = await it.next()) got.push(r.value);
  })();
  return got;
}

test('subscribers of one shopper and one key share one production per list version', async () => {
  const { hub, subscribers, change } = setup();
  await change('u1');
  const produced: number[] = [];
  const produce = (recs: StoredRecs) => {
    produced.push(recs.version);
    return { version: recs.version };
  };
  const a = (await hub.open('u1')).share('doc', produce);
  const b = (await hub.open('u1')).share('doc', produce);
  const gotA = drain(a);
  const gotB = drain(b);
  await eventually(
    async () => gotA.length + gotB.length,
    (n) => n === 2,
  );
  expect(subscribers.size).toBe(1);
  expect(hub.size).toBe(1);

  const changed = await change('u1');
  const version = changed.recs!.version;
  await eventually(
    async () => [gotA.at(-1)?.version, gotB.at(-1)?.version],
    ([x, y]) => x === version && y === version,
  );
  // The newcomer's first list may be produced for it alone; the change is produced once for both.
  expect(produced.filter((v) => v === version)).toHaveLength(1);
  expect(gotA.at(-1)).toBe(gotB.at(-1)); // the same result object goes to both
  await Promise.all([a.return(), b.return()]);
});

test('another key is produced on its own, and every subscriber gets each version once, in order', async () => {
  const { hub, change } = setup();
  await change('u1');
  const a = (await hub.open('u1')).share('doc-a', (recs) => `a${recs.version}`);
  const b = (await hub.open('u1')).share('doc-b', (recs) => `b${recs.version}`);
  const gotA = drain(a);
  const gotB = drain(b);
  const last = (await change('u1')).recs!.version;
  await eventually(
    async () => [gotA.at(-1), gotB.at(-1)],
    ([x, y]) => x === `a${last}` && y === `b${last}`,
  );
  for (const got of [gotA, gotB]) {
    const versions = got.map((v) => Number(v.slice(1)));
    expect(versions).toEqual([...new Set(versions)].sort((x, y) => x - y));
  }
  await Promise.all([a.return(), b.return()]);
});

test('a slow subscriber is handed only the newest of the versions that arrived meanwhile', async () => {
  const { hub, change } = setup();
  await change('u1');
  const it = (await hub.open('u1'))[Symbol.asyncIterator]();
  const first = await it.next();
  expect(first.done).toBe(false);
  await change('u1');
  await change('u1');
  const newest = (await change('u1')).recs!.version;
  await new Promise((resolve) => setTimeout(resolve, 20));
  const next = await it.next();
  expect(next.value?.version).toBe(newest);
  await it.return?.();
});

test('the feed listener is released with the last subscriber of the shopper', async () => {
  const { hub, subscribers, change } = setup();
  await change('u1');
  const a = (await hub.open('u1')).share('doc', (recs) => recs.version);
  const b = (await hub.open('u1')).share('doc', (recs) => recs.version);
  expect(subscribers.userIds()).toEqual(['u1']);
  await a.return();
  expect(subscribers.userIds()).toEqual(['u1']);
  await b.return();
  expect(subscribers.userIds()).toEqual([]);
  expect(hub.size).toBe(0);
  expect(await b.next()).toEqual({ value: undefined, done: true });
});

test('a feed that cannot listen rejects open, and leaves nothing behind', async () => {
  const store = new MemoryStore();
  const recommender = new Recommender({ store, flags: () => defaultFlags() });
  const hub = new LiveHub({
    feed: { subscribe: async () => Promise.reject(new Error('feed down')) },
    recommender,
  });
  await expect(hub.open('u1')).rejects.toThrow('feed down');
  expect(hub.size).toBe(0);
});

test('a forwarded subscription pushes to its target, and while a push is being written only the newest version waits', async () => {
  const { hub, change } = setup();
  await change('u1');
  const produced: number[] = [];
  const pushed: [string, number][] = [];
  const written: (() => void)[] = [];
  const target = {
    push(tag: string, value: number, sent: () => void) {
      pushed.push([tag, value]);
      written.push(sent);
    },
  };
  const sub = (await hub.open('u1')).forward('doc', (recs) => (produced.push(recs.version), recs.version), target, 'op-1');
  await eventually(
    async () => pushed.length,
    (n) => n === 1,
  );
  const first = pushed[0]![1];

  // The first push is not written yet: two newer versions arrive and are produced meanwhile.
  await change('u1');
  const newest = (await change('u1')).recs!.version;
  await eventually(
    async () => produced.includes(newest),
    (ok) => ok,
  );
  expect(pushed).toEqual([['op-1', first]]);

  written.shift()!();
  expect(pushed).toEqual([
    ['op-1', first],
    ['op-1', newest],
  ]);
  written.shift()!();
  expect(pushed).toHaveLength(2);

  await sub.return();
});

describe('coalescing (push.coalesceMs)', () => {
  afterEach(() => jest.useRealTimers());

  test('changes within the interval are held and only the newest goes out when it ends; a change after a quiet interval goes out at once', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const store = new MemoryStore();
    const recommender = new Recommender({ store, flags: () => defaultFlags() });
    const hub = new LiveHub({ feed: store, recommender, coalesceMs: () => 1000 });
    let seq = 0;
    const change = async () =>
      (
        await store.putRecs('u1', {
          generatedAt: new Date().toISOString(),
          strategy: 'personalized',
          arm: null,
          items: [{ productId: `p${++seq}`, score: 1, reason: 'TRENDING' }],
        })
      ).recs!.version;
    await change();
    const sub = (await hub.open('u1'))[Symbol.asyncIterator](); // its list is handed on at once, and starts the interval
    const got = drain(sub);
    await jest.advanceTimersByTimeAsync(0);
    expect(got).toHaveLength(1);

    await change();
    await change();
    const newest = await change();
    await jest.advanceTimersByTimeAsync(999);
    expect(got).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(got.map((r) => r.version)).toEqual([got[0]!.version, newest]);

    await jest.advanceTimersByTimeAsync(5000);
    const later = await change();
    await jest.advanceTimersByTimeAsync(0);
    expect(got.at(-1)?.version).toBe(later);
    await sub.return();
  });

  test('a list held back when the last subscriber leaves is dropped, not pushed to nobody', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const store = new MemoryStore();
    const recommender = new Recommender({ store, flags: () => defaultFlags() });
    const hub = new LiveHub({ feed: store, recommender, coalesceMs: () => 1000 });
    const put = (id: string) =>
      store.putRecs('u1', {
        generatedAt: new Date().toISOString(),
        strategy: 'personalized',
        arm: null,
        items: [{ productId: id, score: 1, reason: 'TRENDING' }],
      });
    await put('a');
    const sub = (await hub.open('u1'))[Symbol.asyncIterator]();
    const got = drain(sub);
    await jest.advanceTimersByTimeAsync(0);
    await put('b'); // held
    await sub.return();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(2000);
    expect(got).toHaveLength(1);
  });
});
