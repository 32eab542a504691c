// Attribution through the API, the same in every mode: lists carry a listId, track mutations
// take fromRecommendation (validated, naming the field), the stream counts clicks and purchases
// per arm, and the report reaches admins through GraphQL, /metrics and /experiments.
// Run against the embedded stand-ins (unit) and the real Kafka, Redis and ZooKeeper (integration).
import type { Env } from '../../src/config';
import type { Gateway } from '../../src/app';
import { eventually, gql, startTestGateway, subscribe, uniqueId, wsClient } from '../helpers/gateway';
import { SECRET, bearer, token } from '../integration/security/kit';

const LIST = 'query($u: ID!) { recommendations(userId: $u, limit: 5) { version arm strategy listId } }';
const VIEW = 'mutation($i: TrackViewInput!) { trackView(input: $i) { accepted } }';
const PURCHASE = 'mutation($i: TrackPurchaseInput!) { trackPurchase(input: $i) { accepted } }';
const EVENTS = 'mutation($i: [TrackEventInput!]!) { trackEvents(input: $i) { accepted error { code field } } }';
const REPORT =
  'query($e: String) { experimentReport(experiment: $e) { experiment verdict arms { arm shoppers lists items clicks clickers purchases buyers revenue } } }';

export function experimentsApiContract(mode: string, env: () => Env): void {
  describe(`attribution and the experiment report (${mode})`, () => {
    let gateway: Gateway;
    const experiment = uniqueId('exp');
    const admin = { authorization: bearer(token({ sub: 'ops', role: 'admin' })) };
    const as = (userId: string) => ({ authorization: bearer(token({ sub: userId })) });

    beforeAll(async () => {
      gateway = await startTestGateway({ ...env(), RECSYS_JWT_SECRET: SECRET });
      const arms = [
        { name: 'A', strategy: 'personalized', share: 0.5 },
        { name: 'B', strategy: 'personalized', share: 0.5 },
      ];
      const set = await gql(gateway.url, 'mutation($v: JSON) { setFlag(key: "experiment.recs", value: $v) { key } }', { v: { name: experiment, arms } }, admin);
      expect(set.errors).toBeUndefined();
      // Distributed mode applies it when ZooKeeper's watch fires.
      await eventually(
        async () => gateway.services.flags.current()['experiment.recs']?.name,
        (name) => name === experiment,
      );
    });
    afterAll(async () => {
      await gql(gateway.url, 'mutation { deleteFlag(key: "experiment.recs") { key } }', {}, admin);
      await gateway.stop();
    });

    test("counts a list delivered, the click from it and the purchase after it for the shopper's arm, once each", async () => {
      const shopper = uniqueId('shopper');
      const list = await gql(gateway.url, LIST, { u: shopper }, as(shopper));
      expect(list.errors).toBeUndefined();
      const { listId, arm } = list.data!.recommendations;
      expect(['A', 'B']).toContain(arm);
      expect(typeof listId).toBe('string');
      // The same version asked again is the same list: delivered once.
      expect((await gql(gateway.url, LIST, { u: shopper }, as(shopper))).data!.recommendations.listId).toBe(listId);
      const click = { userId: shopper, productId: 'p-attr', eventId: uniqueId('click'), fromRecommendation: { listId, position: 0 } };
      expect((await gql(gateway.url, VIEW, { i: click }, as(shopper))).data?.trackView.accepted).toBe(true);
      // A client retry of the same event (same eventId) counts once.
      expect((await gql(gateway.url, VIEW, { i: click }, as(shopper))).data?.trackView.accepted).toBe(true);
      const order = {
        userId: shopper,
        orderId: uniqueId('o'),
        items: [
          { productId: 'p-attr', quantity: 2, price: 12.5 },
          { productId: 'p-other', quantity: 1, price: 99 },
        ],
      };
      expect((await gql(gateway.url, PURCHASE, { i: order }, as(shopper))).data?.trackPurchase.accepted).toBe(true);

      const report = await eventually(
        async () => (await gql(gateway.url, REPORT, { e: experiment }, admin)).data?.experimentReport,
        (r) => r?.arms.find((a: { arm: string }) => a.arm === arm)?.purchases === 1,
      );
      expect(report.experiment).toBe(experiment);
      expect(report.arms.find((a: { arm: string }) => a.arm === arm)).toEqual({
        arm,
        shoppers: 1,
        lists: 1,
        items: expect.any(Number),
        clicks: 1,
        clickers: 1,
        purchases: 1,
        buyers: 1,
        revenue: 25,
      });
    });

    test("counts a pushed list (the subscription's first answer) as delivered, with the same listId a query gives", async () => {
      const shopper = uniqueId('pushed');
      const lists = async () =>
        (await gql(gateway.url, REPORT, { e: experiment }, admin)).data!.experimentReport.arms.reduce((n: number, a: { lists: number }) => n + a.lists, 0);
      const before = await lists();
      const client = wsClient(gateway.wsUrl, as(shopper));
      const sub = subscribe(client, 'subscription($u: ID!) { recommendationsUpdated(userId: $u, limit: 3) { version listId } }', { u: shopper });
      try {
        await sub.until((m) => m.length >= 1);
        const pushed = sub.received[0]!.data!.recommendationsUpdated;
        expect(await eventually(lists, (n) => n === before + 1)).toBe(before + 1);
        // Asked again by query: the same version, the same list, not counted twice.
        expect((await gql(gateway.url, LIST, { u: shopper }, as(shopper))).data!.recommendations.listId).toBe(pushed.listId);
        expect(await lists()).toBe(before + 1);
      } finally {
        sub.dispose();
        await client.dispose();
      }
    });

    test('refuses a listId or position it did not give out, naming the field, in single mutations and batches', async () => {
      const shopper = uniqueId('shopper');
      const { listId } = (await gql(gateway.url, LIST, { u: shopper }, as(shopper))).data!.recommendations;
      const bad = await gql(
        gateway.url,
        VIEW,
        { i: { userId: shopper, productId: 'p1', fromRecommendation: { listId: 'not-a-list', position: 0 } } },
        as(shopper),
      );
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.fromRecommendation.listId' });
      const position = await gql(gateway.url, VIEW, { i: { userId: shopper, productId: 'p1', fromRecommendation: { listId, position: -1 } } }, as(shopper));
      expect(position.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.fromRecommendation.position' });
      const batch = await gql(
        gateway.url,
        EVENTS,
        {
          i: [
            { type: 'VIEW', userId: shopper, productId: 'p1', fromRecommendation: { listId, position: 1 } },
            { type: 'VIEW', userId: shopper, productId: 'p1', fromRecommendation: { listId: `${listId}x`, position: 1 } },
          ],
        },
        as(shopper),
      );
      expect(batch.data?.trackEvents).toEqual([
        { accepted: true, error: null },
        { accepted: false, error: { code: 'BAD_USER_INPUT', field: 'input[1].fromRecommendation.listId' } },
      ]);
    });

    test('shows the report to admins only: GraphQL, /experiments and /metrics', async () => {
      const shopper = uniqueId('shopper');
      expect((await gql(gateway.url, REPORT, { e: experiment }, as(shopper))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const origin = new URL(gateway.url).origin;
      expect((await fetch(`${origin}/experiments`)).status).toBe(401);
      expect((await fetch(`${origin}/experiments`, { headers: as(shopper) })).status).toBe(403);
      const page = await fetch(`${origin}/experiments?experiment=${experiment}`, { headers: admin });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(`Experiment <code>${experiment}</code>`);
      expect(html).toContain('Wilson');
      expect(html).toContain('<svg');
      await gql(gateway.url, LIST, { u: shopper }, as(shopper));
      const metrics = await (await fetch(`${origin}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`recsys_experiment_shoppers\\{experiment="${experiment}",arm="[AB]",strategy="\\*"\\} [1-9]`));
    });
  });
}
