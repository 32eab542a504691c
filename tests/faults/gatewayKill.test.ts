// gateway-kill: kill -9 the gateway while it produces and scores, start a new one on the same
// consumer group; the load moves to it.
import { killHard } from '../helpers/processes';
import { runFaultCase } from './harness/faultCase';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('gateway-kill: a gateway killed mid-batch and started again loses no acknowledged event and scores none twice', async () => {
  await runFaultCase('gateway-kill', async ({ gateway, startGateway, firstAckAfter, note }) => {
    for (let i = 0; i < 1; i++) {
      await firstAckAfter(Date.now(), 30_000);
      await sleep(4_000);
      await killHard(gateway());
      const killed = Date.now();
      await sleep(1_000);
      await startGateway();
      const recovered = await firstAckAfter(killed, 60_000);
      note(`kill ${i + 1}: writes back ${(recovered / 1000).toFixed(1)} s after the kill`);
    }
    await sleep(5_000);
  });
});
