// ZooKeeper going away and coming back, on a private ZooKeeper server started from the stack's
// cached jars on a free port (the shared stack's ZooKeeper is never stopped: other tests use it).
import { performance } from 'node:perf_hooks';
import { defaultFlags } from '../../../src/flags/definitions';
import { startZooKeeperFlags } from '../../../src/flags/zookeeperFlags';
import type { ZooKeeperSession } from '../../../src/coordination/zkSession';
import {
  Disposer,
  PrivateZooKeeper,
  captureLog,
  type CapturedLog,
  closeClient,
  connectedClient,
  freePort,
  openSession,
  randomRoot,
  waitFor,
  writeFlag,
} from './zkTestKit';

jest.setTimeout(120_000);

/** What the session and its client were doing, for a failure message. */
function diagnose(session: ZooKeeperSession, log: CapturedLog): string {
  const manager = (session.client as unknown as { connectionManager?: { state: number; socket?: { connecting: boolean; destroyed: boolean } } })
    ?.connectionManager;
  return [
    `session: connected=${session.connected} generation=${session.generation} manager.state=${manager?.state} socket=${JSON.stringify({ connecting: manager?.socket?.connecting, destroyed: manager?.socket?.destroyed })}`,
    `private ZooKeeper: ${zk.connect}`,
    log.tail(),
  ].join('\n');
}

const d = new Disposer();
let zk: PrivateZooKeeper;

beforeAll(async () => {
  zk = new PrivateZooKeeper(await freePort());
});
afterEach(() => d.dispose());
afterAll(() => zk.dispose());

describe('ZooKeeper flags when the server stops and starts', () => {
  it('serves the defaults while ZooKeeper is not up yet, then applies its values once it answers', async () => {
    const log = captureLog();
    const root = randomRoot();
    const session = openSession(d, log.logger, zk.connect);
    const started = performance.now();
    const flags = await startZooKeeperFlags({ session, root, logger: log.logger });
    d.add(() => flags.stop());
    expect(performance.now() - started).toBeLessThan(2600);
    expect(flags.current()).toEqual(defaultFlags());
    expect(flags.status()).toMatchObject({ connected: false, source: 'DEFAULT' });

    await zk.start();
    const admin = await connectedClient(zk.connect);
    d.add(() => closeClient(admin));
    await writeFlag(admin, root, 'recs.strategy', '"trending"');

    await waitFor(
      'the flag from the late ZooKeeper',
      () => flags.current()['recs.strategy'] === 'trending',
      15_000,
      10,
      () => diagnose(session, log),
    );
    expect(flags.status()).toMatchObject({ connected: true, staleSince: null, source: 'ZOOKEEPER' });
  });

  it('keeps the last known values while ZooKeeper is down, and watches again after it restarts', async () => {
    await zk.start();
    const log = captureLog();
    const root = randomRoot();
    let admin = await connectedClient(zk.connect);
    await writeFlag(admin, root, 'weights.addToCart', '4');
    await closeClient(admin);

    // A long session timeout, so the session outlives the restart and the client resumes it.
    const session = openSession(d, log.logger, zk.connect, 30_000);
    const flags = await startZooKeeperFlags({ session, root, logger: log.logger });
    d.add(() => flags.stop());
    expect(flags.current()['weights.addToCart']).toBe(4);

    await zk.stop();
    await waitFor(
      'the provider to notice',
      () => !flags.status().connected,
      10_000,
      10,
      () => diagnose(session, log),
    );
    expect(flags.current()['weights.addToCart']).toBe(4);
    expect(flags.entries().find((e) => e.key === 'weights.addToCart')?.source).toBe('ZOOKEEPER');
    expect(flags.status().staleSince).not.toBeNull();

    await zk.start();
    await waitFor(
      'reconnected',
      () => flags.status().connected,
      20_000,
      10,
      () => diagnose(session, log),
    );
    admin = await connectedClient(zk.connect);
    d.add(() => closeClient(admin));
    await writeFlag(admin, root, 'weights.addToCart', '6');
    await waitFor(
      'a change after the restart',
      () => flags.current()['weights.addToCart'] === 6,
      2000,
      10,
      () => diagnose(session, log),
    );
    expect(log.lines.some((l) => /zookeeper disconnected/.test(l.msg))).toBe(true);
  });
});
