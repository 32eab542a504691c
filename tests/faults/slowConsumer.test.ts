// slow-consumer: every scored batch waits RECSYS_TEST_SCORING_DELAY_MS (4 s), so one round over
// the partitions (three partitions of each number, one after another) takes longer than the
// consumer's 10 s session timeout. The group must stay as it is: same member, no rebalance.
import { faultKafka } from './harness/accounting';
import { runFaultCase } from './harness/faultCase';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('slow-consumer: scoring slower than the session timeout causes no rebalance and loses nothing', async () => {
  const admin = faultKafka().admin();
  await admin.connect();
  const seen: { state: string; members: string }[] = [];
  let sampling = true;
  try {
    await runFaultCase(
      'slow-consumer',
      async ({ ns, firstAckAfter, note }) => {
        await firstAckAfter(Date.now(), 30_000);
        const sampler = (async () => {
          while (sampling) {
            const { groups } = await admin.describeGroups([ns.groupId]);
            const g = groups[0]!;
            seen.push({
              state: g.state,
              members: g.members
                .map((m) => m.memberId)
                .sort()
                .join(','),
            });
            await sleep(500);
          }
        })();
        await sleep(30_000);
        sampling = false;
        await sampler;
        const stable = seen.filter((s) => s.state === 'Stable');
        expect(stable.length).toBeGreaterThan(0);
        const firstStable = seen.indexOf(stable[0]!);
        const after = seen.slice(firstStable);
        // One member the whole time, never back in a rebalance.
        expect([...new Set(after.map((s) => s.members))]).toEqual([stable[0]!.members]);
        expect(after.filter((s) => s.state !== 'Stable')).toEqual([]);
        note(`${after.length} group samples over 30 s after it formed: always Stable, one member id`);
      },
      { env: { RECSYS_TEST_SCORING_DELAY_MS: '4000' }, drainMs: 180_000 },
    );
  } finally {
    sampling = false;
    await admin.disconnect();
  }
});
