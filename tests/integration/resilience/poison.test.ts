// Poison is set aside and the partition keeps moving: a malformed message on an event topic and a
// corrupt stored user state each go to the dead-letter topic (with where they were found and why)
// and are counted; the events after them are scored. Real Kafka and Redis; the cases themselves
// live in tests/helpers/poison.ts so that the fault suite can run them under load.
import { CORRUPT_STATE_TEXT, corruptStateCase, learnedEventIds, malformedMessageCase, readDeadLetters } from '../../helpers/poison';
import { eventually, realStackEnv, startTestGateway } from '../../helpers/gateway';
import type { Gateway } from '../../../src/app';

jest.setTimeout(120_000);

async function metric(gateway: Gateway, series: string): Promise<number> {
  const text = await (await fetch(gateway.url.replace(/\/graphql$/, '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('poison', () => {
  test('a malformed message and a corrupt stored state are set aside on the dead-letter topic and counted; the events after them are scored', async () => {
    const env = realStackEnv();
    const gateway = await startTestGateway(env);
    try {
      await eventually(
        async () => (await fetch(gateway.url.replace(/\/graphql$/, '/readyz'))).status,
        (s) => s === 200,
        60_000,
        200,
      );

      const message = await malformedMessageCase(env, gateway.url);
      const state = await corruptStateCase(env, gateway.url);
      for (const result of [message, state]) {
        expect(result.acked).toHaveLength(5);
        expect(result.scored).toEqual(result.acked); // the partition moved past the poison
      }
      const userId = (state.injected as { userId: string }).userId;
      expect(await learnedEventIds(env, userId)).toEqual(expect.arrayContaining(state.acked)); // the state decodes again

      const letters = await readDeadLetters(env);
      expect(letters).toHaveLength(2); // exactly those two
      const injected = message.injected as { topic: string; partition: number; offset: number };
      expect(letters.find((l) => l.kind === 'message')).toMatchObject({
        topic: injected.topic,
        partition: injected.partition,
        offset: injected.offset,
        value: '{"this is": not an envelope',
        reason: expect.stringMatching(/.+/),
      });
      expect(letters.find((l) => l.kind === 'state')).toMatchObject({
        key: userId,
        value: CORRUPT_STATE_TEXT,
        topic: injected.topic, // found while scoring the user's views
        reason: expect.stringMatching(/recent|JSON/),
      });
      expect(await metric(gateway, 'recsys_dead_letters_total{kind="message"}')).toBe(1);
      expect(await metric(gateway, 'recsys_dead_letters_total{kind="state"}')).toBe(1);
    } finally {
      await gateway.stop();
    }
  });
});
