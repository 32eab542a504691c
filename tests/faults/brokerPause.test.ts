// broker-pause: SIGSTOP a broker for longer than the brokers' session timeout (9 s) and the
// consumers' (10 s), then SIGCONT, under steady load.
import { runFaultCase } from './harness/faultCase';
import { brokers, pauseNode, resumeNode } from './harness/stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('broker-pause: a broker stopped past the session timeout and resumed costs no acknowledged event, and writes go on', async () => {
  await runFaultCase('broker-pause', async ({ load, firstAckAfter, note }) => {
    await firstAckAfter(Date.now(), 30_000);
    await sleep(3_000);
    const node = brokers().find((b) => b.name === 'kafka-2')!;
    const paused = Date.now();
    pauseNode(node);
    try {
      await sleep(15_000);
    } finally {
      resumeNode(node);
    }
    const resumed = Date.now();
    const during = load.sentAfter(paused).filter((o) => o.sentAt < resumed);
    const ackedAfter = await firstAckAfter(resumed, 30_000);
    await sleep(8_000);
    note(
      `paused 15 s: ${during.filter((o) => o.result === 'acked').length} of ${during.length} sent meanwhile acked; first ack ${(ackedAfter / 1000).toFixed(1)} s after SIGCONT`,
    );
  });
});
