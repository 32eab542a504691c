// poison: under load, a malformed message written straight into the view topic and a corrupt stored
// user state (tests/helpers/poison.ts, also run alone by tests/integration/resilience/poison.test.ts).
// Each is set aside on the dead-letter topic and counted in recsys_dead_letters_total, the events
// after it on the same partition are scored, and the load's accounting loses nothing.
import { corruptStateCase, malformedMessageCase, readDeadLetters } from '../helpers/poison';
import { runFaultCase } from './harness/faultCase';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function deadLetterMetric(graphqlUrl: string, kind: string): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`recsys_dead_letters_total{kind="${kind}"} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

test('poison: a malformed message and a corrupt stored state under load are set aside on the dead-letter topic and counted, and their partition keeps moving', async () => {
  await runFaultCase('poison', async ({ env, gateway, firstAckAfter, note }) => {
    await firstAckAfter(Date.now(), 30_000);
    await sleep(2_000);
    const message = await malformedMessageCase(env, gateway().url, 10, 60_000);
    const state = await corruptStateCase(env, gateway().url, 10, 60_000);
    for (const result of [message, state]) {
      expect(result.acked).toHaveLength(10);
      expect(result.scored).toEqual(result.acked); // scored after the poison: the partition moved on
    }
    const letters = await readDeadLetters(env);
    const injected = message.injected as { topic: string; partition: number; offset: number };
    const userId = (state.injected as { userId: string }).userId;
    expect(letters.map((l) => l.kind).sort()).toEqual(['message', 'state']);
    expect(letters.find((l) => l.kind === 'message')).toMatchObject({ topic: injected.topic, partition: injected.partition, offset: injected.offset });
    expect(letters.find((l) => l.kind === 'state')).toMatchObject({ key: userId });
    expect(await deadLetterMetric(gateway().url, 'message')).toBe(1);
    expect(await deadLetterMetric(gateway().url, 'state')).toBe(1);
    note(`malformed message at ${injected.topic}/${injected.partition}@${injected.offset} and ${userId}'s state set aside; 10 of 10 events after each scored`);
    await sleep(3_000);
  });
});
