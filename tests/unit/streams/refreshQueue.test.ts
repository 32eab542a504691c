import { emptyUserState, type UserState } from '../../../src/recommend';
import { createRefreshQueue } from '../../../src/streams/refreshQueue';

const stateAfter = (...seen: string[]): UserState => ({ ...emptyUserState(), seen });

/** A refresh that waits until the test releases it, recording what it was asked. */
function controlledRefresh() {
  const calls: { userId: string; seen: string[]; release: () => void }[] = [];
  const refresh = (userId: string, user: UserState) =>
    new Promise<{ changed: boolean }>((resolve) => calls.push({ userId, seen: user.seen, release: () => resolve({ changed: true }) }));
  return { calls, refresh };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('the refresh queue', () => {
  test("a burst of one shopper's events costs one refresh, of the newest state", async () => {
    const { calls, refresh } = controlledRefresh();
    const queue = createRefreshQueue({ refresh, concurrency: 1 });
    queue.schedule('busy', stateAfter('x'), {});
    for (const e of ['a', 'b', 'c']) queue.schedule('u1', stateAfter(e), {});
    calls[0]!.release();
    await tick();
    expect(calls.map((c) => [c.userId, c.seen])).toEqual([
      ['busy', ['x']],
      ['u1', ['c']],
    ]);
    calls[1]!.release();
    await queue.idle();
  });

  test('a shopper is never refreshed twice at once: a newer state waits for the running refresh', async () => {
    const { calls, refresh } = controlledRefresh();
    const queue = createRefreshQueue({ refresh, concurrency: 4 });
    queue.schedule('u1', stateAfter('a'), {});
    queue.schedule('u1', stateAfter('b'), {});
    await tick();
    expect(calls.map((c) => c.seen)).toEqual([['a']]);
    calls[0]!.release();
    await tick();
    expect(calls.map((c) => c.seen)).toEqual([['a'], ['b']]);
    calls[1]!.release();
    await queue.idle();
    expect(queue.size).toBe(0);
  });

  test('at most `concurrency` refreshes run at once, and the rest follow in arrival order', async () => {
    const { calls, refresh } = controlledRefresh();
    const done: boolean[] = [];
    const queue = createRefreshQueue({ refresh, concurrency: 2, onRefreshed: (r) => done.push(r.changed) });
    for (const u of ['u1', 'u2', 'u3', 'u4']) queue.schedule(u, stateAfter(u), {});
    expect(calls.map((c) => c.userId)).toEqual(['u1', 'u2']);
    calls[1]!.release();
    await tick();
    expect(calls.map((c) => c.userId)).toEqual(['u1', 'u2', 'u3']);
    for (const c of calls.slice(0, 3)) c.release();
    await tick();
    calls[3]!.release();
    await queue.idle();
    expect(done).toEqual([true, true, true, true]);
  });

  test('a failed refresh is reported and does not stop the others', async () => {
    const failures: string[] = [];
    const queue = createRefreshQueue({
      refresh: async (userId) => {
        if (userId === 'bad') throw new Error('redis went away');
        return { changed: false };
      },
      onError: (userId, err) => failures.push(`${userId}: ${(err as Error).message}`),
    });
    queue.schedule('bad', stateAfter('a'), {});
    queue.schedule('good', stateAfter('b'), {});
    await queue.idle();
    expect(failures).toEqual(['bad: redis went away']);
  });
});
