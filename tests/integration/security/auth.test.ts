// Who may do what, with every kind of token, over HTTP and over the websocket (embedded stand-ins:
// authentication and authorization do not depend on Kafka).
import type { Gateway } from '../../../src/app';
import { OPS, startTestGateway, uniqueId } from '../../helpers/gateway';
import { RawSocket, SECRET, badTokens, bearer, embeddedLogged, post, token, wsErrors } from './kit';

jest.setTimeout(30_000);

describe('authentication and authorization', () => {
  let gateway: Gateway;
  const alice = uniqueId('alice');
  const bob = uniqueId('bob');
  const asAlice = { authorization: bearer(token({ sub: alice })) };
  const asAdmin = { authorization: bearer(token({ sub: 'ops', role: 'admin' })) };
  const sockets: RawSocket[] = [];
  const socket = () => {
    const s = new RawSocket(gateway.wsUrl);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    gateway = await startTestGateway({ RECSYS_JWT_SECRET: SECRET });
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  const view = (userId: string, headers: Record<string, string> = {}) =>
    post(gateway.url, { query: OPS.trackView, variables: { input: { userId, productId: 'p-1' } } }, headers);
  const recs = (userId: string, headers: Record<string, string> = {}) =>
    post(gateway.url, { query: OPS.recommendations, variables: { userId, limit: 5 } }, headers);

  describe('over HTTP', () => {
    test.each(Object.entries(badTokens()))('%s refuses the whole request: HTTP 401, UNAUTHENTICATED, no data', async (_kind, authorization) => {
      for (const res of [await view(alice, { authorization }), await post(gateway.url, { query: '{ trending { score } }' }, { authorization })]) {
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(res.json.data).toBeUndefined();
        expect(res.json.errors).toHaveLength(1);
        expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
        expect(res.json.errors[0].message).not.toMatch(/Context creation failed/);
      }
    });

    test('an expired token is told apart from a forged one', async () => {
      expect((await view(alice, { authorization: badTokens()['an expired token']! })).json.errors[0].message).toMatch(/expired/);
      expect((await view(alice, { authorization: badTokens()['a token signed with another key']! })).json.errors[0].message).toMatch(/signature/);
    });

    test('without a token public reads answer and personal ones give UNAUTHENTICATED field errors (HTTP 200)', async () => {
      const publicReads = await post(gateway.url, {
        query:
          '{ trending { score } similarProducts(productId: "p-1") { score } boughtTogether(productId: "p-1") { score } product(id: "p-1") { id } featureFlags { key } }',
      });
      expect(publicReads.status).toBe(200);
      expect(publicReads.json.errors).toBeUndefined();
      for (const res of [await recs(alice), await view(alice)]) {
        expect(res.status).toBe(200);
        expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      }
    });

    test("a user reads and tracks for themselves, and gets FORBIDDEN for another user's id; nothing refused reaches the log", async () => {
      expect((await recs(alice, asAlice)).json.data.recommendations.userId).toBe(alice);
      expect((await view(alice, asAlice)).json.data.trackView.accepted).toBe(true);
      const before = embeddedLogged(gateway);
      for (const res of [await recs(bob, asAlice), await view(bob, asAlice)]) {
        expect(res.status).toBe(200);
        expect(res.json.errors[0].extensions.code).toBe('FORBIDDEN');
      }
      const purchase = await post(
        gateway.url,
        { query: OPS.trackPurchase, variables: { input: { userId: bob, orderId: 'o', items: [{ productId: 'p' }] } } },
        asAlice,
      );
      expect(purchase.json.errors[0].extensions.code).toBe('FORBIDDEN');
      expect(embeddedLogged(gateway)).toBe(before);
    });

    test('an admin reads and tracks for anyone and writes the catalogue; a user may not write it', async () => {
      expect((await recs(bob, asAdmin)).json.data.recommendations.userId).toBe(bob);
      expect((await view(bob, asAdmin)).json.data.trackView.accepted).toBe(true);
      const upsert = { query: 'mutation($p: [ProductInput!]!) { upsertProducts(products: $p) }', variables: { p: [{ id: uniqueId('p'), name: 'Mug' }] } };
      expect((await post(gateway.url, upsert, asAdmin)).json.data.upsertProducts).toBe(1);
      expect((await post(gateway.url, upsert, asAlice)).json.errors[0].extensions.code).toBe('FORBIDDEN');
      expect((await post(gateway.url, upsert)).json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('over the websocket', () => {
    test('no token at connection_init closes the socket with 4403 and says why', async () => {
      const s = socket();
      await s.init();
      expect(await s.closed).toEqual({ code: 4403, reason: expect.stringMatching(/token is required/) });
    });

    test.each(Object.entries(badTokens()))('%s at connection_init closes the socket with 4403', async (_kind, authorization) => {
      const s = socket();
      await s.init({ authorization });
      expect((await s.closed).code).toBe(4403);
      expect(s.messages.some((m) => m.type === 'connection_ack')).toBe(false);
    });

    test("a user subscribes to their own list and gets FORBIDDEN for another's, on a socket that stays open", async () => {
      const s = socket();
      await s.ready({ authorization: asAlice.authorization });
      s.subscribe('theirs', OPS.recommendationsUpdated, { userId: bob });
      const refused = await s.result('theirs');
      expect(wsErrors(refused)[0]?.extensions?.code).toBe('FORBIDDEN');
      s.subscribe('mine', OPS.recommendationsUpdated, { userId: alice });
      expect((await s.result('mine')).payload.data.recommendationsUpdated.userId).toBe(alice);
      expect(s.open).toBe(true);
    });

    test('an admin subscribes to anyone', async () => {
      const s = socket();
      await s.ready({ authorization: asAdmin.authorization });
      s.subscribe('1', OPS.recommendationsUpdated, { userId: bob });
      expect((await s.result('1')).payload.data.recommendationsUpdated.userId).toBe(bob);
    });

    test('a track mutation over the websocket obeys the same rules as over HTTP', async () => {
      const s = socket();
      await s.ready({ authorization: asAlice.authorization });
      const before = embeddedLogged(gateway);
      s.subscribe('forbidden', OPS.trackView, { input: { userId: bob, productId: 'p' } });
      expect(wsErrors(await s.result('forbidden'))[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(embeddedLogged(gateway)).toBe(before);
      s.subscribe('own', OPS.trackView, { input: { userId: alice, productId: 'p' } });
      expect((await s.result('own')).payload.data.trackView.accepted).toBe(true);
    });
  });
});
