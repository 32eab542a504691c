// broker-kill: kill -9 one broker, 5 s later a second (fewer than min.insync.replicas = 2 in sync), then
// start both again; three cycles, a different pair each time, under steady load, one gateway that
// is never restarted.
import { runFaultCase } from './harness/faultCase';
import { brokers, killNode, restartMissing } from './harness/stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readiness(graphqlUrl: string): Promise<{ status: number; checks: Record<string, { ok: boolean }> }> {
  const res = await fetch(graphqlUrl.replace(/\/graphql$/, '/readyz'));
  return { status: res.status, checks: ((await res.json()) as { checks: Record<string, { ok: boolean }> }).checks };
}

test('broker-kill: with two of three brokers killed no write is acknowledged falsely, and writes succeed again within 30 s of their return, without a gateway restart', async () => {
  await runFaultCase('broker-kill', async ({ load, gateway, firstAckAfter, writesSteadyAfter, note }) => {
    const readyWhileDown: Awaited<ReturnType<typeof readiness>>[] = [];
    const readyAfter: Awaited<ReturnType<typeof readiness>>[] = [];
    const pairs = [
      ['kafka-1', 'kafka-2'],
      ['kafka-2', 'kafka-3'],
      ['kafka-3', 'kafka-1'],
    ];
    for (const [first, second] of pairs) {
      await firstAckAfter(Date.now(), 30_000);
      await sleep(2_000);
      await killNode(brokers().find((b) => b.name === first)!);
      await sleep(5_000);
      await killNode(brokers().find((b) => b.name === second)!);
      const bothDown = Date.now();
      await sleep(6_000);
      // One broker of three: nothing can reach two in-sync replicas, so nothing sent now may be
      // acknowledged, and readiness says the producer cannot write.
      readyWhileDown.push(await readiness(gateway().url));
      const returnStarted = Date.now();
      await restartMissing();
      const back = Date.now();
      const during = load.sentAfter(bothDown + 1_000).filter((o) => o.sentAt < returnStarted);
      const ackedDuring = during.filter((o) => o.result === 'acked');
      expect(ackedDuring.map((o) => o.eventId)).toEqual([]);
      expect(during.filter((o) => o.detail?.startsWith('UNAVAILABLE')).length).toBeGreaterThan(0);
      const firstAck = await firstAckAfter(back, 30_000);
      // From some moment within 30 s of their return on, every write is acknowledged (5 s of them):
      // the producer is not jammed.
      const recovered = await writesSteadyAfter(back, 30_000);
      readyAfter.push(await readiness(gateway().url));
      note(
        `${first}+${second}: ${during.length} sent while 2 were down, 0 acked; first write acked ${(firstAck / 1000).toFixed(1)} s and all writes from ${(recovered / 1000).toFixed(1)} s after the brokers answered (their restart took ${((back - returnStarted) / 1000).toFixed(1)} s)`,
      );
    }
    // Asserted last, so that a producer without the probe still shows its losses in the line above.
    for (const down of readyWhileDown) {
      expect(down.status).toBe(503);
      expect(down.checks.producer).toMatchObject({ ok: false });
    }
    for (const after of readyAfter) expect(after.checks.producer).toMatchObject({ ok: true });
  });
});
