import type { Gateway } from '../../../src/app';
import { OPS, eventually, gql, startTestGateway, subscribe, uniqueId, wsClient } from '../../helpers/gateway';

describe('stock changes and stored lists', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startTestGateway({});
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test('a product marked out of stock leaves a stored list at once, before the user acts again', async () => {
    const user = uniqueId('u');
    const [kept, sold] = [uniqueId('kept'), uniqueId('sold')];
    const { store } = gateway;
    await store.upsertProducts([kept, sold].map((id) => ({ id, name: id, category: null, price: 1, inStock: true, imageUrl: null })));
    await store.putRecs(user, {
      generatedAt: new Date().toISOString(),
      strategy: 'personalized',
      arm: null,
      items: [
        { productId: sold, score: 2, reason: 'TRENDING' },
        { productId: kept, score: 1, reason: 'TRENDING' },
      ],
    });
    const client = wsClient(gateway.wsUrl);
    const sub = subscribe<{ recommendationsUpdated: { items: { product: { id: string } }[] } }>(client, OPS.recommendationsUpdated, { userId: user });
    try {
      await store.upsertProducts([{ id: sold, name: sold, category: null, price: 1, inStock: false, imageUrl: null }]);
      const ids = async () =>
        ((await gql(gateway.url, OPS.recommendations, { userId: user })).data?.recommendations.items ?? []).map(
          (i: { product: { id: string } }) => i.product.id,
        );
      expect(await eventually(ids, (list) => !list.includes(sold), 3_000)).toEqual([kept]);
      await sub.until((m) => m.length >= 1);
    } finally {
      sub.dispose();
      await client.dispose();
    }
  });

  test("a subscription's later pushes show a product's current details, not the ones its first push read", async () => {
    const user = uniqueId('u');
    const [shoe, sock] = [uniqueId('shoe'), uniqueId('sock')];
    const { store } = gateway;
    const product = (id: string, name: string) => ({ id, name, category: null, price: 1, inStock: true, imageUrl: null });
    const list = (...ids: string[]) => ({
      generatedAt: new Date().toISOString(),
      strategy: 'personalized' as const,
      arm: null,
      items: ids.map((productId, i) => ({ productId, score: ids.length - i, reason: 'TRENDING' as const })),
    });
    await store.upsertProducts([product(shoe, 'Runner'), product(sock, 'Sock')]);
    await store.putRecs(user, list(shoe));
    type Msg = { recommendationsUpdated: { items: { product: { id: string; name: string | null } }[] } };
    const client = wsClient(gateway.wsUrl);
    const sub = subscribe<Msg>(client, OPS.recommendationsUpdated, { userId: user });
    try {
      await sub.until((m) => m.length >= 1);
      expect(sub.received[0]!.data!.recommendationsUpdated.items[0]!.product.name).toBe('Runner');
      await store.upsertProducts([product(shoe, 'Trail Runner')]);
      await store.putRecs(user, list(shoe, sock));
      await sub.until((m) => m.length >= 2);
      expect(sub.received[1]!.data!.recommendationsUpdated.items.map((i) => i.product.name)).toEqual(['Trail Runner', 'Sock']);
    } finally {
      sub.dispose();
      await client.dispose();
    }
  });
});
