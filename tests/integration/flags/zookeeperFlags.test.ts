// ZooKeeperFlags against the real ZooKeeper of the local stack, each test under its own random root.
import { createClient } from 'node-zookeeper-client';
import { performance } from 'node:perf_hooks';
import { remove } from '../../../src/coordination/zk';
import { ZooKeeperSession } from '../../../src/coordination/zkSession';
import { defaultFlags } from '../../../src/flags/definitions';
import { startZooKeeperFlags, type ZooKeeperFlags } from '../../../src/flags/zookeeperFlags';
import { emptyUserState, type UserState } from '../../../src/recommend';
import { Recommender } from '../../../src/recommender/recommender';
import { MemoryStore } from '../../../src/store/memoryStore';
import { Disposer, captureLog, expireSession, freePort, openProxy, openSession, scratchRoot, waitFor, writeFlag } from './zkTestKit';
import { FIXED_FRAME } from '../../helpers/decay';

jest.setTimeout(30_000);

const d = new Disposer();
afterEach(() => d.dispose());

async function startFlags(root: string, log = captureLog(), connect?: string): Promise<ZooKeeperFlags> {
  const session = openSession(d, log.logger, connect);
  const flags = await startZooKeeperFlags({ session, root, logger: log.logger });
  d.add(() => flags.stop());
  return flags;
}

/** A store where user u1 (who just viewed `a`) has co-visitation neighbours and the shop has trending items. */
async function shop(): Promise<{ store: MemoryStore; user: UserState }> {
  const store = new MemoryStore();
  await store.applyDeltas('test', [
    { offset: 0, delta: { kind: 'trending', category: null, product: 't1', incr: 9, frame: FIXED_FRAME } },
    { offset: 1, delta: { kind: 'trending', category: null, product: 't2', incr: 5, frame: FIXED_FRAME } },
    { offset: 2, delta: { kind: 'covis', from: 'a', to: 'b', incr: 4, frame: FIXED_FRAME } },
    { offset: 3, delta: { kind: 'covis', from: 'a', to: 'c', incr: 2, frame: FIXED_FRAME } },
  ]);
  return { store, user: { ...emptyUserState(), recent: [{ p: 'a', t: Date.now() }] } };
}

/** Time from the write's return to `current()` showing the new value, polled on every turn of the event loop. */
async function propagation(flags: ZooKeeperFlags, write: () => Promise<void>, changed: () => boolean): Promise<number> {
  const started = performance.now();
  await write();
  while (!changed()) {
    if (performance.now() - started > 5000) throw new Error('flag change not seen within 5 s');
    await new Promise((r) => setImmediate(r));
  }
  return performance.now() - started;
}

describe('ZooKeeper flags', () => {
  it('serves the values ZooKeeper holds at start, and the defaults for every other flag', async () => {
    const { root, admin } = await scratchRoot(d);
    await writeFlag(admin, root, 'weights.view', '2.5');
    await writeFlag(admin, root, 'filters.excludeInCart', 'false');

    const flags = await startFlags(root);

    expect(flags.current()).toEqual({ ...defaultFlags(), 'weights.view': 2.5, 'filters.excludeInCart': false });
    const sources = Object.fromEntries(flags.entries().map((e) => [e.key, e.source]));
    expect(sources['weights.view']).toBe('ZOOKEEPER');
    expect(sources['filters.excludeInCart']).toBe('ZOOKEEPER');
    expect(sources['recs.strategy']).toBe('DEFAULT');
    expect(flags.status()).toMatchObject({ connected: true, staleSince: null, source: 'ZOOKEEPER' });
  });

  it('switches recs.strategy to "trending" within a second of the write, so the next list is all TRENDING, and back to personalized when written back', async () => {
    const { root, admin } = await scratchRoot(d);
    const flags = await startFlags(root);
    const { store, user } = await shop();
    const recommender = new Recommender({ store, flags: () => flags.current() });

    const before = await recommender.compute('u1', user);
    expect(before.strategy).toBe('personalized');
    expect(before.items.map((i) => i.reason)).toContain('ALSO_VIEWED');

    const toTrending = await propagation(
      flags,
      () => writeFlag(admin, root, 'recs.strategy', '"trending"'),
      () => flags.current()['recs.strategy'] === 'trending',
    );
    expect(toTrending).toBeLessThan(1000);
    const during = await recommender.compute('u1', user);
    expect(during.strategy).toBe('trending');
    expect(during.items.length).toBeGreaterThan(0);
    expect(new Set(during.items.map((i) => i.reason))).toEqual(new Set(['TRENDING']));

    const back = await propagation(
      flags,
      () => writeFlag(admin, root, 'recs.strategy', '"personalized"'),
      () => flags.current()['recs.strategy'] === 'personalized',
    );
    expect(back).toBeLessThan(1000);
    const after = await recommender.compute('u1', user);
    expect(after.strategy).toBe('personalized');
    expect(after.items.map((i) => i.reason)).toContain('ALSO_VIEWED');
    process.stdout.write(`flag propagation (write returned -> current() changed): to trending ${toTrending.toFixed(1)} ms, back ${back.toFixed(1)} ms\n`);
  });

  it('measures propagation over 20 writes: every one is seen well under a second', async () => {
    const { root, admin } = await scratchRoot(d);
    const flags = await startFlags(root);
    const times: number[] = [];
    for (let i = 1; i <= 20; i++) {
      times.push(
        await propagation(
          flags,
          () => writeFlag(admin, root, 'recs.size', String(i)),
          () => flags.current()['recs.size'] === i,
        ),
      );
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    const max = times[times.length - 1]!;
    process.stdout.write(`flag propagation over 20 writes: median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms\n`);
    expect(max).toBeLessThan(1000);
  });

  it.each([
    ['not JSON', 'trending'],
    ['a wrong type', '42'],
    ['an unknown strategy', '"random"'],
  ])('keeps the last good recs.strategy when ZooKeeper holds %s, logging one error that names the flag and the value', async (_what, bad) => {
    const { root, admin } = await scratchRoot(d);
    const log = captureLog();
    await writeFlag(admin, root, 'recs.strategy', '"trending"');
    const flags = await startFlags(root, log);
    expect(flags.current()['recs.strategy']).toBe('trending');

    await writeFlag(admin, root, 'recs.strategy', bad);
    await waitFor('the invalid value to be reported', () => log.errors().length > 0);
    // A later, unrelated change proves the watch is still set and the bad value was not applied meanwhile.
    await writeFlag(admin, root, 'recs.size', '7');
    await waitFor('recs.size = 7', () => flags.current()['recs.size'] === 7);

    expect(flags.current()['recs.strategy']).toBe('trending');
    expect(flags.status().invalidKeys).toEqual(['recs.strategy']);
    const errors = log.errors();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ flag: 'recs.strategy', value: bad });
    expect(errors[0]!.msg).toContain('recs.strategy');
    expect(errors[0]!.msg).toContain(JSON.stringify(bad));

    await writeFlag(admin, root, 'recs.strategy', '"personalized"');
    await waitFor('a good value to apply again', () => flags.current()['recs.strategy'] === 'personalized');
    expect(flags.status().invalidKeys).toEqual([]);
  });

  it('keeps the last good number when a value is out of range', async () => {
    const { root, admin } = await scratchRoot(d);
    const log = captureLog();
    await writeFlag(admin, root, 'decay.halfLifeHours', '12');
    const flags = await startFlags(root, log);
    await writeFlag(admin, root, 'decay.halfLifeHours', '0');
    await waitFor('the out-of-range value to be reported', () => log.errors().length > 0);
    expect(flags.current()['decay.halfLifeHours']).toBe(12);
    expect(log.errors()[0]).toMatchObject({ flag: 'decay.halfLifeHours', value: '0' });
  });

  it('reports an unknown key once and does not apply it', async () => {
    const { root, admin } = await scratchRoot(d);
    const log = captureLog();
    await writeFlag(admin, root, 'recs.strategyy', '"trending"');
    const flags = await startFlags(root, log);

    await writeFlag(admin, root, 'weights.view', '3'); // fires the child watch again: a re-listing
    await writeFlag(admin, root, 'other.flag', '1');
    await waitFor('the second unknown key', () => flags.status().unknownKeys.length === 2);

    expect(flags.current()).toEqual({ ...defaultFlags(), 'weights.view': 3 });
    expect(flags.status().unknownKeys).toEqual(['other.flag', 'recs.strategyy']);
    const warned = log.warnings().filter((l) => /unknown flag/.test(l.msg));
    expect(warned.map((l) => l.flag)).toEqual(['recs.strategyy', 'other.flag']);
  });

  it('sees a flag created after start, and restores the default when its znode is deleted', async () => {
    const { root, admin } = await scratchRoot(d);
    const flags = await startFlags(root); // no <root>/flags at all yet
    expect(flags.current()).toEqual(defaultFlags());

    await writeFlag(admin, root, 'filters.excludePurchased', 'false');
    await waitFor('the new flag', () => flags.current()['filters.excludePurchased'] === false, 1000);
    expect(flags.entries().find((e) => e.key === 'filters.excludePurchased')?.source).toBe('ZOOKEEPER');

    await remove(admin, `${root}/flags/filters.excludePurchased`);
    await waitFor('the default again', () => flags.current()['filters.excludePurchased'] === true, 1000);
    expect(flags.entries().find((e) => e.key === 'filters.excludePurchased')?.source).toBe('DEFAULT');
  });

  it('hands out a new object on a change, so a computation keeps the set it started with', async () => {
    const { root, admin } = await scratchRoot(d);
    const flags = await startFlags(root);
    const taken = flags.current();
    await writeFlag(admin, root, 'recs.size', '5');
    await waitFor('recs.size = 5', () => flags.current()['recs.size'] === 5);
    expect(taken['recs.size']).toBe(20);
  });

  it('starts within about 2 s on the defaults when ZooKeeper does not answer, and says so in status()', async () => {
    const port = await freePort(); // nothing listens there
    const log = captureLog();
    const started = performance.now();
    const flags = await startFlags('/recsys', log, `127.0.0.1:${port}`);
    const tookMs = performance.now() - started;

    expect(tookMs).toBeLessThan(2600);
    expect(flags.current()).toEqual(defaultFlags());
    expect(
      flags
        .entries()
        .map((e) => e.key)
        .sort(),
    ).toEqual(Object.keys(defaultFlags()).sort());
    expect(flags.entries().filter((e) => e.source !== 'DEFAULT')).toEqual([]);
    const status = flags.status();
    expect(status).toMatchObject({ connected: false, source: 'DEFAULT' });
    expect(status.staleSince).not.toBeNull();
    expect(log.warnings().some((l) => /serving the defaults/.test(l.msg))).toBe(true);
  });

  it('after its session expires, opens a new one, re-reads every flag and watches again', async () => {
    const { root, admin } = await scratchRoot(d);
    const log = captureLog();
    const proxy = await openProxy(d);
    const session = openSession(d, log.logger, proxy.connect);
    await writeFlag(admin, root, 'recs.strategy', '"trending"');
    const flags = await startZooKeeperFlags({ session, root, logger: log.logger });
    d.add(() => flags.stop());
    expect(flags.current()['recs.strategy']).toBe('trending');
    const firstGeneration = session.generation;

    await expireSession(session, proxy);
    // Changed while the old session is gone: the new session must read it, not rely on old watches.
    await writeFlag(admin, root, 'recs.strategy', '"personalized"');
    await waitFor('a new session', () => session.connected && session.generation > firstGeneration, 10_000);
    await waitFor('the value written during the expiry', () => flags.current()['recs.strategy'] === 'personalized', 5000);

    // Watches are set on the new session: a further write propagates.
    await writeFlag(admin, root, 'weights.purchase', '9');
    await waitFor('weights.purchase = 9', () => flags.current()['weights.purchase'] === 9, 1000);
    expect(flags.status()).toMatchObject({ connected: true, staleSince: null });
    expect(log.lines.some((l) => /session expired/.test(l.msg))).toBe(true);
  });

  it('keeps the last known values, not the defaults, while its session is gone', async () => {
    const { root, admin } = await scratchRoot(d);
    const log = captureLog();
    const proxy = await openProxy(d);
    const session = openSession(d, log.logger, proxy.connect);
    await writeFlag(admin, root, 'recs.size', '42');
    const flags = await startZooKeeperFlags({ session, root, logger: log.logger });
    d.add(() => flags.stop());

    const seen: Array<{ size: number; connected: boolean; stale: boolean }> = [];
    const look = () => {
      const s = flags.status();
      seen.push({ size: flags.current()['recs.size'], connected: s.connected, stale: s.staleSince !== null });
    };
    d.add(session.on('expired', look));
    await expireSession(session, proxy);
    await waitFor('reconnected', () => flags.status().connected, 10_000);
    look();
    expect(seen).toEqual([
      { size: 42, connected: false, stale: true },
      { size: 42, connected: true, stale: false },
    ]);
  });

  it('keeps the last known values through a short network cut, then resumes the same session with its watches', async () => {
    const { root, admin } = await scratchRoot(d);
    const log = captureLog();
    const proxy = await openProxy(d);
    const session = openSession(d, log.logger, proxy.connect);
    await writeFlag(admin, root, 'recs.strategy', '"trending"');
    const flags = await startZooKeeperFlags({ session, root, logger: log.logger });
    d.add(() => flags.stop());
    const sessionId = session.sessionId;

    proxy.block();
    await waitFor('the cut to be noticed', () => !flags.status().connected);
    expect(flags.current()['recs.strategy']).toBe('trending');
    expect(flags.status().staleSince).not.toBeNull();
    await writeFlag(admin, root, 'recs.strategy', '"personalized"'); // changed while this instance cannot see it

    proxy.unblock();
    await waitFor('the change made during the cut', () => flags.current()['recs.strategy'] === 'personalized', 5000);
    await waitFor('back in sync', () => flags.status().connected, 5000);
    expect(session.sessionId).toBe(sessionId);
    expect(flags.status()).toMatchObject({ connected: true, staleSince: null });
    await writeFlag(admin, root, 'recs.size', '3');
    await waitFor('a later change', () => flags.current()['recs.size'] === 3, 1000);
  });

  it('drops a connection whose handshake is never answered, and connects once the server answers', async () => {
    const { root, admin } = await scratchRoot(d);
    await writeFlag(admin, root, 'recs.size', '11');
    const log = captureLog();
    const proxy = await openProxy(d);
    proxy.hang(); // TCP accepted, nothing ever answered: a ZooKeeper still starting up does this
    const session = new ZooKeeperSession({
      clientFactory: createClient,
      connect: proxy.connect,
      sessionTimeoutMs: 6000,
      logger: log.logger,
      spinDelayMs: 100,
      handshakeTimeoutMs: 300,
    }).start();
    d.add(() => session.close());
    const flags = await startZooKeeperFlags({ session, root, logger: log.logger, startTimeoutMs: 500 });
    d.add(() => flags.stop());
    expect(flags.current()['recs.size']).toBe(20);
    await waitFor('the watchdog to drop the silent connection', () => log.warnings().some((l) => /never answered the handshake/.test(l.msg)), 3000);

    proxy.unblock();
    await waitFor('the flags from ZooKeeper', () => flags.current()['recs.size'] === 11, 5000);
  });
});
