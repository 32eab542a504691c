// On the real stack (changes travel over Redis pub/sub), each subscriber gets their own list and
// nobody else's, even while another user's list changes.
import type { Gateway } from '../../../src/app';
import { OPS, eventually, gql, realStackEnv, startTestGateway, uniqueId } from '../../helpers/gateway';
import { RawSocket, SECRET, bearer, token, wsErrors } from './kit';

jest.setTimeout(60_000);

describe("subscribers' isolation on the real stack", () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ ...realStackEnv(), RECSYS_JWT_SECRET: SECRET });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test("user A never receives user B's lists while B's list changes, and may not subscribe to B's", async () => {
    const [a, b, other] = [uniqueId('a'), uniqueId('b'), uniqueId('other')];
    const [shoes, socks, laces] = [uniqueId('shoes'), uniqueId('socks'), uniqueId('laces')];
    const as = (user: string, role?: string) => ({ authorization: bearer(token({ sub: user, ...(role ? { role } : {}) })) });
    const admin = as('ops', 'admin');
    // Someone builds co-visitation (shoes -> socks -> laces), so B's view of shoes changes B's list.
    for (const p of [shoes, socks, laces])
      expect((await gql(gateway.url, OPS.trackView, { input: { userId: other, productId: p } }, as(other))).errors).toBeUndefined();
    await eventually(
      () => gql(gateway.url, 'query($p: ID!) { similarProducts(productId: $p) { product { id } } }', { p: shoes }),
      (r) => (r.data?.similarProducts ?? []).length >= 2,
      30_000,
    );

    const [socketA, socketB] = [new RawSocket(gateway.wsUrl), new RawSocket(gateway.wsUrl)];
    try {
      await socketA.ready(as(a));
      await socketB.ready(as(b));
      socketA.subscribe('mine', OPS.recommendationsUpdated, { userId: a, limit: 10 });
      socketA.subscribe('theirs', OPS.recommendationsUpdated, { userId: b, limit: 10 });
      socketB.subscribe('mine', OPS.recommendationsUpdated, { userId: b, limit: 10 });
      expect(wsErrors(await socketA.result('theirs'))[0]?.extensions?.code).toBe('FORBIDDEN');
      await socketA.result('mine');
      await socketB.result('mine');

      expect((await gql(gateway.url, OPS.trackView, { input: { userId: b, productId: shoes } }, admin)).data?.trackView.accepted).toBe(true);
      await socketB.next((m) => m.id === 'mine' && m.payload?.data?.recommendationsUpdated.items.some((i: any) => i.product.id === socks), 30_000);
      // A's own change arrives too, so A's stream is demonstrably live while B's changed.
      expect((await gql(gateway.url, OPS.trackView, { input: { userId: a, productId: laces } }, admin)).data?.trackView.accepted).toBe(true);
      await socketA.next(() => socketA.messages.filter((m) => m.id === 'mine' && m.type === 'next').length >= 2, 30_000);

      const usersSeenBy = (s: RawSocket) =>
        new Set(s.messages.filter((m) => m.type === 'next' && m.payload.data).map((m) => m.payload.data.recommendationsUpdated.userId));
      expect(usersSeenBy(socketA)).toEqual(new Set([a]));
      expect(usersSeenBy(socketB)).toEqual(new Set([b]));
    } finally {
      socketA.close();
      socketB.close();
    }
  });
});
