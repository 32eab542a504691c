// Pushes that say why and how fast (causedBy, latencyMs), bursts coalesced by push.coalesceMs, and
// read-your-writes on the track mutations (refreshed): the same in every mode. Run against the
// embedded stand-ins (unit project) and the real Kafka, Redis and ZooKeeper (integration project).
import { print } from 'graphql';
import type { Env } from '../../src/config';
import type { Gateway } from '../../src/app';
import { SetFlagDocument } from '../../src/generated/graphql';
import { eventually, gql, startTestGateway, subscribe, uniqueId, wsClient } from '../helpers/gateway';

export interface PushOriginTarget {
  /** A fresh namespace per call (each gateway of this suite scores on its own). */
  env: () => Env;
}

type Cause = { eventId: string; type: string } | null;
type List = { version: number; causedBy: Cause; latencyMs: number | null; items: { reason: string; product: { id: string } }[] };
type Refreshed = { recommendations: List | null; missing: string | null };

const LIST = 'version causedBy { eventId type } latencyMs items { reason product { id } }';
const WATCH = `subscription($userId: ID!) { recommendationsUpdated(userId: $userId, limit: 10) { ${LIST} } }`;
const VIEW = `mutation($input: TrackViewInput!) { trackView(input: $input) { accepted eventId } }`;
const VIEW_REFRESHED = `mutation($input: TrackViewInput!, $limit: Int) {
  trackView(input: $input) { accepted eventId refreshed(limit: $limit) { missing recommendations { ${LIST} } } } }`;
const CART_REFRESHED = `mutation($input: TrackAddToCartInput!) {
  trackAddToCart(input: $input) { accepted eventId refreshed { missing recommendations { ${LIST} } } } }`;
const EVENTS_REFRESHED = `mutation($input: [TrackEventInput!]!) {
  trackEvents(input: $input) { accepted eventId refreshed(limit: 5) { missing recommendations { ${LIST} } } } }`;
const SET_FLAG = print(SetFlagDocument);

export function pushOriginContract(mode: string, target: PushOriginTarget): void {
  describe(`pushes that say why, coalescing and read-your-writes (${mode})`, () => {
    let gateway: Gateway;
    beforeAll(async () => {
      gateway = await startTestGateway(target.env());
    });
    afterAll(async () => {
      await gateway?.stop();
    });

    const view = async (userId: string, productId: string, eventId = uniqueId('evt')) => {
      const res = await gql(gateway.url, VIEW, { input: { userId, productId, eventId } });
      expect(res.errors).toBeUndefined();
      return eventId;
    };
    const setCoalesceMs = async (value: number) => {
      expect((await gql(gateway.url, SET_FLAG, { key: 'push.coalesceMs', value })).errors).toBeUndefined();
      await eventually(
        () => gql(gateway.url, '{ featureFlags { key value } }'),
        (r) => r.data?.featureFlags.some((f: { key: string; value: unknown }) => f.key === 'push.coalesceMs' && f.value === value),
      );
    };
    /** Another shopper's session, so that viewing `first` makes the rest ALSO_VIEWED. */
    const covisited = async (...productIds: string[]) => {
      const other = uniqueId('other');
      for (const p of productIds) await view(other, p);
      await eventually(
        () => gql(gateway.url, `query($p: ID!) { similarProducts(productId: $p) { product { id } } }`, { p: productIds[0] }),
        (r) => (r.data?.similarProducts ?? []).length >= productIds.length - 1,
      );
    };

    test('a pushed list names the event that changed it and the ms from its receipt to the push; the first list is no push', async () => {
      const shopper = uniqueId('shopper');
      const [shoes, socks] = [uniqueId('shoes'), uniqueId('socks')];
      await covisited(shoes, socks);
      const client = wsClient(gateway.wsUrl);
      const sub = subscribe<{ recommendationsUpdated: List }>(client, WATCH, { userId: shopper });
      try {
        await sub.until((m) => m.length >= 1);
        expect(sub.received[0]!.data!.recommendationsUpdated.latencyMs).toBeNull();
        const eventId = await view(shopper, shoes);
        await sub.until((m) => m.some((x) => x.data?.recommendationsUpdated.causedBy?.eventId === eventId));
        const pushed = sub.received.find((x) => x.data?.recommendationsUpdated.causedBy?.eventId === eventId)!.data!.recommendationsUpdated;
        expect(pushed.causedBy).toEqual({ eventId, type: 'VIEW' });
        expect(pushed.items.some((i) => i.product.id === socks && i.reason === 'ALSO_VIEWED')).toBe(true);
        expect(Number.isInteger(pushed.latencyMs)).toBe(true);
        expect(pushed.latencyMs).toBeGreaterThanOrEqual(0);

        // A query's answer names the same cause, but is no push: no latency.
        const queried = await gql<{ recommendations: List }>(gateway.url, `query($u: ID!) { recommendations(userId: $u) { ${LIST} } }`, { u: shopper });
        expect(queried.data?.recommendations.causedBy).toEqual({ eventId, type: 'VIEW' });
        expect(queried.data?.recommendations.latencyMs).toBeNull();
      } finally {
        sub.dispose();
        await client.dispose();
      }
    });

    test('with push.coalesceMs set, changes closer together than that are pushed as fewer lists, the newest last', async () => {
      const shopper = uniqueId('shopper');
      const products = Array.from({ length: 6 }, () => uniqueId('p'));
      await setCoalesceMs(1500);
      const client = wsClient(gateway.wsUrl);
      const sub = subscribe<{ recommendationsUpdated: List }>(client, WATCH, { userId: shopper });
      try {
        await sub.until((m) => m.length >= 1);
        // Each view waits until it is scored (refreshed): every one is a version of its own, made
        // one after the other; each puts a new product among the shopper's recent items.
        const versions: number[] = [];
        for (const p of products) {
          const res = await gql<{ trackView: { refreshed: Refreshed } }>(gateway.url, VIEW_REFRESHED, { input: { userId: shopper, productId: p } });
          versions.push(res.data!.trackView.refreshed.recommendations!.version);
        }
        expect(new Set(versions).size).toBe(products.length);
        // The scorer may store one more version after a refreshed answer (its reads are cached for
        // a moment): the last push must be the version the gateway holds once the changes stop.
        const held = async () =>
          (await gql<{ recommendations: List }>(gateway.url, `query($u: ID!) { recommendations(userId: $u) { version } }`, { u: shopper })).data!
            .recommendations.version;
        const lastPushed = () => sub.received[sub.received.length - 1]!.data!.recommendationsUpdated.version;
        await eventually(
          async () => [lastPushed(), await held()],
          ([pushedLast, stored]) => pushedLast === stored,
          15_000,
          100,
        );
        const pushed = sub.received.slice(1).map((m) => m.data!.recommendationsUpdated.version);
        expect(pushed[pushed.length - 1]).toBeGreaterThanOrEqual(versions[versions.length - 1]!);
        expect(pushed.length).toBeLessThan(versions.length);
        expect([...pushed].sort((a, b) => a - b)).toEqual(pushed);
      } finally {
        sub.dispose();
        await client.dispose();
        await setCoalesceMs(0);
      }
    });

    test("a track mutation's refreshed field answers the shopper's list with the event already scored", async () => {
      const shopper = uniqueId('shopper');
      const [boots, polish] = [uniqueId('boots'), uniqueId('polish')];
      await covisited(boots, polish);
      const eventId = uniqueId('evt');
      const res = await gql<{ trackView: { accepted: boolean; eventId: string; refreshed: Refreshed } }>(gateway.url, VIEW_REFRESHED, {
        input: { userId: shopper, productId: boots, eventId },
        limit: 5,
      });
      expect(res.errors).toBeUndefined();
      const { refreshed } = res.data!.trackView;
      expect(refreshed.missing).toBeNull();
      expect(refreshed.recommendations!.causedBy).toEqual({ eventId, type: 'VIEW' });
      expect(refreshed.recommendations!.items.length).toBeLessThanOrEqual(5);
      expect(refreshed.recommendations!.items.some((i) => i.product.id === polish && i.reason === 'ALSO_VIEWED')).toBe(true);

      // An event that leaves the list's items as they were still answers (nothing is pushed for it).
      const again = await gql<{ trackAddToCart: { refreshed: Refreshed } }>(gateway.url, CART_REFRESHED, { input: { userId: shopper, productId: boots } });
      expect(again.errors).toBeUndefined();
      expect(again.data!.trackAddToCart.refreshed.missing).toBeNull();
      expect(again.data!.trackAddToCart.refreshed.recommendations!.version).toBeGreaterThanOrEqual(refreshed.recommendations!.version);
    });

    test("in a batch, each accepted event answers its shopper's refreshed list and a refused one says NOT_ACCEPTED", async () => {
      const [a, b] = [uniqueId('a'), uniqueId('b')];
      const res = await gql<{ trackEvents: { accepted: boolean; eventId: string | null; refreshed: Refreshed }[] }>(gateway.url, EVENTS_REFRESHED, {
        input: [
          { type: 'VIEW', userId: a, productId: uniqueId('p') },
          { type: 'VIEW', userId: b, productId: '' },
          { type: 'ADD_TO_CART', userId: b, productId: uniqueId('p'), quantity: 2 },
        ],
      });
      expect(res.errors).toBeUndefined();
      const [first, refused, third] = res.data!.trackEvents;
      expect(first!.refreshed.recommendations!.causedBy).toEqual({ eventId: first!.eventId, type: 'VIEW' });
      expect(refused!.accepted).toBe(false);
      expect(refused!.refreshed).toEqual({ recommendations: null, missing: 'NOT_ACCEPTED' });
      expect(third!.refreshed.recommendations!.causedBy).toEqual({ eventId: third!.eventId, type: 'ADD_TO_CART' });
    });

    test('refreshed out of bounds is refused naming limit', async () => {
      const res = await gql(gateway.url, VIEW_REFRESHED, { input: { userId: uniqueId('u'), productId: 'p-1' }, limit: 0 });
      expect(res.errors?.[0]?.message).toMatch(/limit: must be from 1 to 100, got 0/);
    });

    describe('when scoring is slower than the wait', () => {
      let slow: Gateway;
      beforeAll(async () => {
        slow = await startTestGateway({ ...target.env(), RECSYS_TEST_SCORING_DELAY_MS: '3000', RECSYS_REFRESHED_TIMEOUT_MS: '50' });
      });
      afterAll(async () => {
        await slow?.stop();
      });

      test('the mutation answers accepted, without the list, saying TIMEOUT', async () => {
        const eventId = uniqueId('evt');
        const res = await gql<{ trackView: { accepted: boolean; eventId: string; refreshed: Refreshed } }>(slow.url, VIEW_REFRESHED, {
          input: { userId: uniqueId('u'), productId: uniqueId('p'), eventId },
        });
        expect(res.errors).toBeUndefined();
        expect(res.data!.trackView).toEqual({ accepted: true, eventId, refreshed: { recommendations: null, missing: 'TIMEOUT' } });
      });
    });
  });
}
