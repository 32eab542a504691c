// Instance registry and leader election against the real ZooKeeper, under a random root.
import type { InstanceInfo } from '../../../src/coordination/types';
import { getChildren, getData } from '../../../src/coordination/zk';
import { ZooKeeperInstances } from '../../../src/coordination/zookeeperInstances';
import type { ZooKeeperSession } from '../../../src/coordination/zkSession';
import { Disposer, captureLog, expireSession, openProxy, openSession, scratchRoot, waitFor, type TcpProxy } from './zkTestKit';

jest.setTimeout(30_000);

const d = new Disposer();
afterEach(() => d.dispose());

const info = (id: string, port: number): InstanceInfo => ({ id, host: '127.0.0.1', port, version: '0.1.0-test', startedAt: new Date().toISOString() });

interface Member {
  id: string;
  session: ZooKeeperSession;
  registry: ZooKeeperInstances;
  /** How often this instance ran the leader's maintenance. */
  runs: () => number;
}

async function member(root: string, id: string, port: number, proxy?: TcpProxy, intervalMs = 100): Promise<Member> {
  const log = captureLog();
  const session = openSession(d, log.logger, proxy?.connect);
  if (!(await session.waitConnected(10_000))) throw new Error('no ZooKeeper session within 10 s');
  let runs = 0;
  const registry = new ZooKeeperInstances({
    session,
    root,
    logger: log.logger,
    maintenance: () => {
      runs++;
    },
    maintenanceIntervalMs: intervalMs,
  });
  d.add(() => registry.stop());
  await registry.start(info(id, port));
  return { id, session, registry, runs: () => runs };
}

describe('gateway instances in ZooKeeper', () => {
  it('registers each instance as an ephemeral sequential znode holding its JSON', async () => {
    const { root, admin } = await scratchRoot(d);
    const a = await member(root, 'gw-a', 4001);
    await waitFor('a registered', () => a.registry.isLeader());

    const [name] = await getChildren(admin, `${root}/instances`);
    expect(name).toMatch(/^[0-9a-f-]{36}-\d{10}$/);
    const data = JSON.parse((await getData(admin, `${root}/instances/${name}`)).text);
    expect(data).toMatchObject({ id: 'gw-a', host: '127.0.0.1', port: 4001, version: '0.1.0-test' });
    expect(typeof data.startedAt).toBe('string');
  });

  it('lists both of two instances, the first registered as the only leader, and only the leader runs maintenance', async () => {
    const { root } = await scratchRoot(d);
    const a = await member(root, 'gw-a', 4001);
    await waitFor('a leads', () => a.registry.isLeader());
    const b = await member(root, 'gw-b', 4002);
    await waitFor('b listed', async () => (await a.registry.list()).length === 2);

    const seenByB = await b.registry.list();
    expect(seenByB.map((i) => [i.id, i.port, i.isLeader, i.isSelf])).toEqual([
      ['gw-a', 4001, true, false],
      ['gw-b', 4002, false, true],
    ]);
    expect(b.registry.isLeader()).toBe(false);

    // While the leader runs its maintenance three more times (every 100 ms), the follower runs none.
    const [aBefore, bBefore] = [a.runs(), b.runs()];
    await waitFor('the leader runs its maintenance three more times', () => a.runs() - aBefore >= 3, 5000);
    expect(b.runs() - bBefore).toBe(0);
  });

  it("hands leadership to the other instance when the leader's client closes", async () => {
    const { root } = await scratchRoot(d);
    const a = await member(root, 'gw-a', 4001);
    await waitFor('a leads', () => a.registry.isLeader());
    const b = await member(root, 'gw-b', 4002);
    await waitFor('b follows', async () => (await b.registry.list()).length === 2);

    const closed = Date.now();
    await a.session.close(); // the leader's ephemeral znode goes with its session
    await waitFor('b leads', () => b.registry.isLeader(), 5000);
    const tookMs = Date.now() - closed;
    expect(tookMs).toBeLessThan(2000);

    const runs = b.runs();
    await waitFor('b runs the maintenance', () => b.runs() > runs, 1000);
    expect((await b.registry.list()).map((i) => [i.id, i.isLeader])).toEqual([['gw-b', true]]);
  });

  it('only the next in line watches the leader: with three instances, the third stays a follower when the second leaves', async () => {
    const { root } = await scratchRoot(d);
    const a = await member(root, 'gw-a', 4001);
    await waitFor('a leads', () => a.registry.isLeader());
    const b = await member(root, 'gw-b', 4002);
    const c = await member(root, 'gw-c', 4003);
    await waitFor('three listed', async () => (await c.registry.list()).length === 3);

    await b.registry.stop();
    await waitFor('two listed', async () => (await c.registry.list()).length === 2);
    expect(a.registry.isLeader()).toBe(true);
    expect(c.registry.isLeader()).toBe(false);

    await a.registry.stop(); // a clean stop removes the znode at once
    await waitFor('c leads', () => c.registry.isLeader(), 5000);
  });

  it('after its session expires, the leader steps down, another takes over, and it registers again as a follower', async () => {
    const { root } = await scratchRoot(d);
    const proxy = await openProxy(d);
    const a = await member(root, 'gw-a', 4001, proxy);
    await waitFor('a leads', () => a.registry.isLeader());
    const b = await member(root, 'gw-b', 4002);
    await waitFor('b follows', async () => (await b.registry.list()).length === 2);

    await expireSession(a.session, proxy);
    await waitFor('b leads', () => b.registry.isLeader(), 5000);
    await waitFor('a back in the list', async () => a.session.connected && (await b.registry.list()).length === 2, 10_000);

    const list = await a.registry.list();
    expect(list.map((i) => [i.id, i.isLeader, i.isSelf])).toEqual([
      ['gw-b', true, false],
      ['gw-a', false, true],
    ]);
    expect(a.registry.isLeader()).toBe(false);
  });
});
