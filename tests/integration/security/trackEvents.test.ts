// trackEvents under the same rules as the single track mutations, event by event: a shopper's token
// acts only for its own userId, and the per-user and per-address budgets are spent one event at a
// time, in input order. Run with the in-process budgets (embedded) and the shared ones (Redis).
import type { Gateway } from '../../../src/app';
import type { Env } from '../../../src/config';
import { OPS, gql, realStackEnv, startTestGateway, uniqueId } from '../../helpers/gateway';
import { SECRET, bearer, embeddedLogged, kafkaLogged, token } from './kit';

jest.setTimeout(60_000);

type Answer = {
  accepted: boolean;
  eventId: string | null;
  error: { code: string; message: string; field: string | null; retriable: boolean; retryAfterSeconds: number | null } | null;
};

// Budgets of 5 events per user and 12 per address; the shared ones are fixed windows of 5 s and
// 12 s (sharedRateLimit.ts), long enough for each test to run inside one.
const RATES = {
  RECSYS_TRACK_RATE_USER_PER_SECOND: '1',
  RECSYS_TRACK_RATE_USER_BURST: '5',
  RECSYS_TRACK_RATE_IP_PER_SECOND: '1',
  RECSYS_TRACK_RATE_IP_BURST: '12',
};

const MODES: [string, () => Env, (gateway: Gateway, env: Env) => Promise<number>][] = [
  ['in-process budgets (embedded)', () => ({}), async (gateway) => embeddedLogged(gateway)],
  ['budgets shared in Redis (real stack)', realStackEnv, async (_gateway, env) => kafkaLogged(env)],
];

describe.each(MODES)('trackEvents with %s', (_mode, baseEnv, logged) => {
  const views = (userIds: string[]) => userIds.map((userId) => ({ type: 'VIEW', userId, productId: 'p-1' }));
  const send = (gateway: Gateway, input: unknown[], headers: Record<string, string> = {}) =>
    gql<{ trackEvents: Answer[] }>(gateway.url, OPS.trackEvents, { input }, headers);

  test('each event spends one token of its user and of the address; events over a budget are answered RATE_LIMITED alone', async () => {
    const env = { ...baseEnv(), ...RATES };
    const gateway = await startTestGateway(env);
    try {
      const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(uniqueId) as [string, string, string];

      const first = (await send(gateway, views(Array(7).fill(alice)))).data!.trackEvents;
      expect(first.map((a) => a.accepted)).toEqual([true, true, true, true, true, false, false]); // alice's 5
      for (const refused of first.slice(5)) {
        expect(refused.error).toMatchObject({ code: 'RATE_LIMITED', retriable: true, field: null });
        expect(refused.error!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(refused.error!.message).toContain(`user "${alice}"`);
      }

      // 7 of the address's 12 are left: bob's 4, then carol's first 3.
      const second = (await send(gateway, views([bob, bob, bob, bob, carol, carol, carol, carol]))).data!.trackEvents;
      expect(second.map((a) => a.accepted)).toEqual([true, true, true, true, true, true, true, false]);
      expect(second[7]!.error).toMatchObject({ code: 'RATE_LIMITED' });
      expect(second[7]!.error!.message).toContain('this client address');

      expect(await logged(gateway, env)).toBe(12); // a fresh gateway: its log held nothing before
    } finally {
      await gateway.stop();
    }
  });

  test("a shopper's token sends only its own events (others FORBIDDEN, one by one); no token refuses the call; admin sends anyone's", async () => {
    const env = { ...baseEnv(), RECSYS_JWT_SECRET: SECRET };
    const gateway = await startTestGateway(env);
    try {
      const [alice, bob] = ['alice', 'bob'].map(uniqueId) as [string, string];

      const asAlice = { authorization: bearer(token({ sub: alice })) };
      const mixed = (await send(gateway, views([alice, bob, alice]), asAlice)).data!.trackEvents;
      expect(mixed.map((a) => a.accepted)).toEqual([true, false, true]);
      expect(mixed[1]!.error).toMatchObject({ code: 'FORBIDDEN', retriable: false });
      expect(mixed[1]!.error!.message).toContain(`userId "${bob}"`);

      const anonymous = await send(gateway, views([alice]));
      expect(anonymous.data?.trackEvents ?? null).toBeNull();
      expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);

      const asAdmin = { authorization: bearer(token({ sub: 'ops', role: 'admin' })) };
      expect((await send(gateway, views([alice, bob]), asAdmin)).data!.trackEvents.map((a) => a.accepted)).toEqual([true, true]);

      expect(await logged(gateway, env)).toBe(4);
    } finally {
      await gateway.stop();
    }
  });
});
