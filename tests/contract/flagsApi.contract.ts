// The setFlag / deleteFlag mutations, the same in every mode: run against the embedded stand-ins
// (unit project: the in-process flags) and against the real stack (integration project: ZooKeeper).
// One gateway with auth on: the admin's token for the changes, others to prove they are refused.
import { print } from 'graphql';
import type { Env } from '../../src/config';
import type { Gateway } from '../../src/app';
import { DeleteFlagDocument, SetFlagDocument } from '../../src/generated/graphql';
import { OPS, eventually, gql, startTestGateway, uniqueId, type GqlResponse } from '../helpers/gateway';
import { SECRET, bearer, token } from '../integration/security/kit';

export interface FlagsApiTarget {
  env: () => Env;
  /** The source featureFlags names for a value set through the API in this mode. */
  setSource: 'API' | 'ZOOKEEPER';
}

type Flag = { key: string; value: unknown; source: string };

const SET_FLAG = print(SetFlagDocument);
const DELETE_FLAG = print(DeleteFlagDocument);
const FEATURE_FLAGS = 'query { featureFlags { key value source } }';

export function flagsApiContract(mode: string, target: FlagsApiTarget): void {
  describe(`the flag mutations (${mode})`, () => {
    let gateway: Gateway;
    const admin = { authorization: bearer(token({ sub: 'ops', role: 'admin' })) };
    const shopper = { authorization: bearer(token({ sub: uniqueId('shopper') })) };

    beforeAll(async () => {
      gateway = await startTestGateway({ ...target.env(), RECSYS_JWT_SECRET: SECRET });
    });
    afterAll(async () => {
      await gateway?.stop();
    });

    const setFlag = (key: string, value: unknown, headers = admin) => gql<{ setFlag: Flag }>(gateway.url, SET_FLAG, { key, value }, headers);
    const deleteFlag = (key: string, headers = admin) => gql<{ deleteFlag: Flag }>(gateway.url, DELETE_FLAG, { key }, headers);
    const flagInForce = async (key: string): Promise<Flag | undefined> =>
      (await gql<{ featureFlags: Flag[] }>(gateway.url, FEATURE_FLAGS)).data?.featureFlags.find((f) => f.key === key);
    // A write the gateway made would be in force once a later one is (one ZooKeeper session sees its
    // changes in order): so "nothing changed" is checked after a later write has arrived.
    const BARRIER = 'decay.halfLifeHours';
    const othersInForce = async () => (await gql<{ featureFlags: Flag[] }>(gateway.url, FEATURE_FLAGS)).data?.featureFlags.filter((f) => f.key !== BARRIER);
    const afterALaterWrite = async () => {
      const hours = 100 + Math.floor(Math.random() * 1000);
      expect((await setFlag(BARRIER, hours)).errors).toBeUndefined();
      await eventually(
        () => flagInForce(BARRIER),
        (f) => f?.value === hours,
      );
    };
    // A list reports the strategy it served, and a newcomer's is trending whatever the flag says: the
    // probe is a shopper with a personal neighbour (another shopper viewed their product, then one more).
    const known = uniqueId('known');
    const strategyOfAKnownShopper = async () =>
      (await gql(gateway.url, 'query($u: ID!) { recommendations(userId: $u) { strategy } }', { u: known }, admin)).data?.recommendations.strategy;
    const view = async (userId: string, productId: string) =>
      expect((await gql(gateway.url, OPS.trackView, { input: { userId, productId } }, admin)).errors).toBeUndefined();

    test('setFlag puts a valid value in force for the lists computed next; deleteFlag brings the default back', async () => {
      const [seen, next, other] = [uniqueId('p'), uniqueId('p'), uniqueId('other')];
      await view(other, seen);
      await view(other, next);
      await view(known, seen);
      await eventually(strategyOfAKnownShopper, (s) => s === 'personalized');
      const set = await setFlag('recs.strategy', 'trending');
      expect(set.errors).toBeUndefined();
      expect(set.data?.setFlag).toEqual({ key: 'recs.strategy', value: 'trending', source: target.setSource });
      // Distributed mode applies it when the gateway's own ZooKeeper watch fires.
      await eventually(
        () => flagInForce('recs.strategy'),
        (f) => f?.value === 'trending' && f.source === target.setSource,
      );
      expect(await strategyOfAKnownShopper()).toBe('trending');

      const deleted = await deleteFlag('recs.strategy');
      expect(deleted.errors).toBeUndefined();
      expect(deleted.data?.deleteFlag).toEqual({ key: 'recs.strategy', value: 'personalized', source: 'DEFAULT' });
      await eventually(
        () => flagInForce('recs.strategy'),
        (f) => f?.value === 'personalized' && f.source === 'DEFAULT',
      );
      expect(await strategyOfAKnownShopper()).toBe('personalized');
    });

    test('setFlag takes structured JSON values and an explicit null where the flag allows it', async () => {
      const arms = {
        arms: [
          { name: 'a', strategy: 'trending', share: 0.5 },
          { name: 'b', strategy: 'personalized', share: 0.5 },
        ],
      };
      expect((await setFlag('experiment.recs', arms)).data?.setFlag.value).toEqual(arms);
      await eventually(
        () => flagInForce('experiment.recs'),
        (f) => JSON.stringify(f?.value) === JSON.stringify(arms),
      );
      expect((await setFlag('experiment.recs', null)).data?.setFlag).toEqual({ key: 'experiment.recs', value: null, source: target.setSource });
      await eventually(
        () => flagInForce('experiment.recs'),
        (f) => f?.value === null && f.source === target.setSource,
      );
      expect((await deleteFlag('experiment.recs')).errors).toBeUndefined();
    });

    const refusals: [string, () => Promise<GqlResponse>, string, RegExp][] = [
      ['an unknown key', () => setFlag('recs.sizes', 5), 'key', /^key: unknown flag "recs.sizes"; known flags: recs.strategy, recs.size, /],
      ['a value out of range', () => setFlag('weights.view', 500), 'weights.view', /^weights\.view: expected 0 to 100, got 500$/],
      ['a value of the wrong type', () => setFlag('recs.size', '20'), 'recs.size', /^recs\.size: expected a whole number, got "20"$/],
      ['a strategy nobody knows', () => setFlag('recs.strategy', 'random'), 'recs.strategy', /expected one of "personalized", "trending", got "random"/],
      [
        'arms whose shares miss 1',
        () => setFlag('experiment.recs', { arms: [{ name: 'a', strategy: 'trending', share: 0.4 }] }),
        'experiment.recs.arms',
        /shares must add up to 1, got 0.4/,
      ],
      [
        'a left-out value',
        () => gql(gateway.url, 'mutation { setFlag(key: "recs.size") { key } }', {}, admin),
        'value',
        /^value: a JSON value for recs.size is needed$/,
      ],
      ['deleting an unknown key', () => deleteFlag('no.such.flag'), 'key', /^key: unknown flag "no.such.flag"/],
    ];
    test.each(refusals)('refuses %s with BAD_USER_INPUT naming the field and the problem, changing nothing', async (_what, send, field, message) => {
      const before = await othersInForce();
      const res = await send();
      expect(res.data ?? null).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.errors![0]!.message).toMatch(message);
      await afterALaterWrite();
      expect(await othersInForce()).toEqual(before);
    });

    test('only the admin role may change flags: a shopper is FORBIDDEN, no token UNAUTHENTICATED, nothing changes', async () => {
      const before = await othersInForce();
      for (const [headers, code] of [
        [shopper, 'FORBIDDEN'],
        [{}, 'UNAUTHENTICATED'],
      ] as const) {
        for (const res of [await setFlag('recs.size', 3, headers as typeof admin), await deleteFlag('recs.size', headers as typeof admin)]) {
          expect(res.data ?? null).toBeNull();
          expect(res.errors?.map((e) => e.extensions?.code)).toEqual([code]);
        }
      }
      await afterALaterWrite();
      expect(await othersInForce()).toEqual(before);
    });
  });
}
