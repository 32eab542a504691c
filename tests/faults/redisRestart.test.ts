// redis-restart: the fault stack's Redis killed by its PID under load and started again empty (this
// machine runs Redis with nothing on disk). A shopper's list subscription, held through the gateway,
// keeps receiving pushes with higher versions; reads answer UNAVAILABLE fast while Redis is down;
// tracking goes on (Kafka holds the events). Then `npm run replay` rebuilds every score from Kafka
// into a new prefix, and the accounting reads that prefix: every acknowledged event scored once.
// (tests/integration/replay/redisRestart.test.ts proves more of the replay: a rebuilt store equal,
// key by key, to one on a Redis that never failed.)
import { gql, OPS } from '../helpers/gateway';
import { startReplay } from '../integration/replay/replayKit';
import { runFaultCase } from './harness/faultCase';
import { watchList } from './harness/gatewayProbe';
import { killNode, restartMissing, stackPart } from './harness/stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('redis-restart: Redis restarted empty under load: pushes go on with higher versions, reads fail fast meanwhile, a replay scores every acknowledged event once', async () => {
  await runFaultCase(
    'redis-restart',
    async ({ ns, gateway, load, firstAckAfter, reseedCatalogue, note }) => {
      await firstAckAfter(Date.now(), 30_000);
      const list = watchList(gateway().url, `${ns.runId}-u0`);
      try {
        await list.morethan(2, 30_000);
        const before = Math.max(...list.versions());

        await killNode(stackPart('redis'));
        const down = Date.now();
        // While Redis is down a read answers UNAVAILABLE at once, and writes are still acknowledged.
        const read = await gql(gateway().url, OPS.recommendations, { userId: `${ns.runId}-u1`, limit: 5 });
        const readMs = Date.now() - down;
        expect(read.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
        expect(readMs).toBeLessThan(1_000);
        await firstAckAfter(Date.now(), 10_000);
        await sleep(3_000);

        const restartAt = Date.now();
        await restartMissing(); // the same port, empty
        // The operator's first step after losing Redis: the catalogue again (it is not in Kafka).
        await reseedCatalogue();
        const pushesBefore = list.pushes().length;
        await list.morethan(pushesBefore, 30_000);
        const after = list.versions().slice(pushesBefore);
        expect(after.every((v) => v > before)).toBe(true);
        expect(list.errors()).toEqual([]);
        const during = load.sentAfter(down).filter((o) => o.sentAt < restartAt);
        const refusals = [
          ...new Set(
            load
              .sentAfter(down)
              .filter((o) => o.result !== 'acked')
              .map((o) => o.detail),
          ),
        ];
        note(
          `Redis down ${((restartAt - down) / 1000).toFixed(1)} s: a read answered UNAVAILABLE in ${readMs} ms, ${during.filter((o) => o.result === 'acked').length} of ${during.length} writes acked meanwhile; ` +
            `list version ${before} before, next push ${after[0]} after${refusals.length ? `; refusals since the kill: ${refusals.slice(0, 3).join(' | ')}` : ''}`,
        );
        await sleep(5_000);
      } finally {
        await list.close();
      }
    },
    {
      // Scores written while Redis was down or before the catalogue was back are gone from the live
      // prefix: the replay rebuilds all of them from Kafka into a new one, which the accounting reads.
      afterDrain: async (ns, env) => {
        const restored = `${ns.keyPrefix}-restored`;
        const run = startReplay(env, ['--to-prefix', restored]);
        const code = await run.done;
        if (code !== 0) throw new Error(`npm run replay exited ${code}: ${run.output().slice(-2000)}`);
        return restored;
      },
    },
  );
});
