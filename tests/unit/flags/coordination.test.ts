// The pure parts of coordination, and the `instances` query of an embedded gateway.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { LocalInstances } from '../../../src/coordination/localInstances';
import { MaintenanceTimer } from '../../../src/coordination/maintenance';
import { packageVersion, selfInfo } from '../../../src/coordination/self';
import { candidatesOf, sequenceOf, sortBySequence } from '../../../src/coordination/zookeeperInstances';
import { eventually, gql, startTestGateway } from '../../helpers/gateway';

const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('leader election order', () => {
  it('orders znodes by their 10-digit sequence suffix, not by the guid before it', () => {
    const nodes = ['ffff-0000000012', 'aaaa-0000000010', '0000-0000000011'];
    expect(sortBySequence(nodes)).toEqual(['aaaa-0000000010', '0000-0000000011', 'ffff-0000000012']);
    expect(sequenceOf('x-0000000042')).toBe(42);
  });

  it('skips observers (instances without the scorer role): the lowest candidate leads', () => {
    const nodes = ['bbbb-0000000012', 'aaaa.observer-0000000010', 'cccc-0000000013', 'dddd.observer-0000000011'];
    expect(candidatesOf(nodes)).toEqual(['bbbb-0000000012', 'cccc-0000000013']);
  });
});

describe('maintenance timer', () => {
  // Fake timers: the schedule is the test's, so "no run after stop" is checked over a long stretch
  // of timer time without sleeping, and a loaded machine cannot change the counts.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs at once and then every interval until paused, never two runs at a time', async () => {
    let running = 0;
    let overlap = false;
    let runs = 0;
    const timer = new MaintenanceTimer(
      async () => {
        running++;
        if (running > 1) overlap = true;
        runs++;
        await sleep(35);
        running--;
      },
      10,
      silent,
    );
    timer.resume();
    expect(runs).toBe(1); // at once
    await jest.advanceTimersByTimeAsync(120);
    const stopping = timer.stop(); // waits for the run in progress
    await jest.advanceTimersByTimeAsync(35);
    await stopping;
    const done = runs;
    expect(done).toBeGreaterThanOrEqual(3); // 120 ms of 35-ms runs, one at a time
    await jest.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(done);
    expect(overlap).toBe(false);
  });

  it('logs a failing run and keeps going', async () => {
    let runs = 0;
    const timer = new MaintenanceTimer(
      () => {
        runs++;
        throw new Error('boom');
      },
      10,
      silent,
    );
    timer.resume();
    await jest.advanceTimersByTimeAsync(60);
    await timer.stop();
    expect(runs).toBeGreaterThan(1);
  });
});

describe('this instance', () => {
  it('advertises the host name when listening on every interface, else the listen address', () => {
    expect(selfInfo({ id: 'a', listenHost: '0.0.0.0', port: 1, version: 'v' }).host).not.toBe('0.0.0.0');
    expect(selfInfo({ id: 'a', listenHost: '10.0.0.5', port: 1, version: 'v' }).host).toBe('10.0.0.5');
  });

  it("reads the gateway's version from package.json", () => {
    expect(packageVersion()).toBe((JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version);
  });
});

describe('embedded mode instances', () => {
  it('lists this process alone, as leader, and runs the maintenance itself', async () => {
    let runs = 0;
    const registry = new LocalInstances({ logger: silent, maintenance: () => void runs++, maintenanceIntervalMs: 10 });
    await registry.start(selfInfo({ id: 'solo', listenHost: '127.0.0.1', port: 4000, version: '1' }));
    await eventually(
      async () => runs,
      (n) => n > 1,
      5_000,
      5,
    );
    await registry.stop();
    expect(await registry.list()).toMatchObject([{ id: 'solo', port: 4000, isLeader: true, isSelf: true }]);
    expect(runs).toBeGreaterThan(1);
  });

  it('answers the instances query of an embedded gateway with itself as leader', async () => {
    const gateway = await startTestGateway({ RECSYS_INSTANCE_ID: 'embedded-1' });
    try {
      const res = await gql(gateway.url, '{ instances { id host port version startedAt isLeader isSelf } }');
      expect(res.errors).toBeUndefined();
      expect(res.data?.instances).toEqual([
        {
          id: 'embedded-1',
          host: '127.0.0.1',
          port: gateway.port,
          version: packageVersion(),
          startedAt: expect.any(String),
          isLeader: true,
          isSelf: true,
        },
      ]);
    } finally {
      await gateway.stop();
    }
  });
});
