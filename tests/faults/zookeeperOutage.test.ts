// zookeeper-outage: the fault stack's ZooKeeper killed by its PID under load and started again
// (on its data) after 20 s, past the gateway's 10 s session timeout. The flag the operator set
// before keeps serving, tracking and pushes go on, /readyz stays 200 with zookeeper "degraded" (a
// fleet is not taken out of service for stale flags); once ZooKeeper is back, a flag change applies.
import { closeClient, connectedClient, writeFlag } from '../integration/flags/zkTestKit';
import { eventually } from '../helpers/gateway';
import { runFaultCase } from './harness/faultCase';
import { flagInForce, readiness, watchList, type ReadyAnswer } from './harness/gatewayProbe';
import { faultStackEnv, killNode, restartMissing, stackPart } from './harness/stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setFlag(root: string, key: string, json: string): Promise<void> {
  const admin = await connectedClient(faultStackEnv.ZOOKEEPER_CONNECT);
  try {
    await writeFlag(admin, root, key, json);
  } finally {
    await closeClient(admin);
  }
}

test('zookeeper-outage: ZooKeeper down past the session timeout: the last flags serve, tracking, pushes and readiness go on, a change after its return applies', async () => {
  await runFaultCase('zookeeper-outage', async ({ ns, env, gateway, load, firstAckAfter, note }) => {
    const root = env.ZOOKEEPER_ROOT!;
    await firstAckAfter(Date.now(), 30_000);
    // The operator's flag, in force before the outage (not a weight: the accounting divides by those).
    await setFlag(root, 'recs.size', '7');
    await eventually(
      () => flagInForce(gateway().url, 'recs.size'),
      (f) => f?.value === 7 && f.source === 'ZOOKEEPER',
      15_000,
      100,
    );
    const list = watchList(gateway().url, `${ns.runId}-u0`);
    try {
      await list.morethan(1, 30_000);

      await killNode(stackPart('zookeeper'));
      const down = Date.now();
      // Past the 10 s session timeout; readiness sampled once a second meanwhile.
      const ready: ReadyAnswer[] = [];
      const pushesAtKill = list.pushes().length;
      let slowestReadyMs = 0;
      while (Date.now() - down < 20_000) {
        const asked = Date.now();
        ready.push(await readiness(gateway().url));
        slowestReadyMs = Math.max(slowestReadyMs, Date.now() - asked);
        await sleep(1_000);
      }
      const flagDuring = await flagInForce(gateway().url, 'recs.size');
      const pushesDuring = list.pushes().slice(pushesAtKill);
      const during = load.sentAfter(down + 1_000).filter((o) => o.sentAt < Date.now() - 5_000);

      const restartAt = Date.now();
      await restartMissing(); // the same data: the flag written before is still there
      const back = Date.now();

      expect(flagDuring).toEqual({ value: 7, source: 'ZOOKEEPER' });
      expect(during.length).toBeGreaterThan(0);
      expect(during.filter((o) => o.result !== 'acked').map((o) => `${o.eventId}: ${o.detail}`)).toEqual([]);
      expect(pushesDuring.length).toBeGreaterThan(0);
      expect(pushesDuring.every((p) => p.items.length <= 7)).toBe(true);
      expect(ready.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
      // Noticed within the first seconds, and said all along after that.
      const degradedFrom = ready.findIndex((r) => r.body.checks.zookeeper?.status === 'degraded');
      expect(degradedFrom).toBeGreaterThanOrEqual(0);
      expect(degradedFrom).toBeLessThan(5);
      expect(
        ready
          .slice(degradedFrom)
          .map((r) => r.body.checks.zookeeper?.status)
          .filter((s) => s !== 'degraded'),
      ).toEqual([]);

      // Back: the gateway's session (re-established or new) sees a change made now.
      await eventually(
        () => readiness(gateway().url),
        (r) => r.body.checks.zookeeper?.status === 'ok',
        60_000,
        250,
      );
      const reconnected = Date.now();
      await setFlag(root, 'recs.size', '9');
      const changed = Date.now();
      await eventually(
        () => flagInForce(gateway().url, 'recs.size'),
        (f) => f?.value === 9 && f.source === 'ZOOKEEPER',
        15_000,
        50,
      );
      const applied = Date.now();
      const pushesAfter = list.pushes().length;
      await list.morethan(pushesAfter, 30_000);
      expect(list.errors()).toEqual([]);
      note(
        `ZooKeeper killed, restart begun ${((restartAt - down) / 1000).toFixed(1)} s later and answering after ${((back - restartAt) / 1000).toFixed(1)} s more: /readyz 200 in ${ready.length} of ${ready.length} samples (slowest ${slowestReadyMs} ms), zookeeper degraded from sample ${degradedFrom + 1}; ` +
          `${during.length} writes acked meanwhile, ${pushesDuring.length} pushes; session ok ${((reconnected - back) / 1000).toFixed(1)} s after its return; recs.size 7 -> 9 applied in ${applied - changed} ms`,
      );
      await sleep(3_000);
    } finally {
      await list.close();
    }
  });
});
