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
    const { store } = gateway.services;
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
      const ids = async () => ((await gql(gateway.url, OPS.recommendations, { userId: user })).data?.recommendations.items ?? []).map((i: { product: { id: string } }) => i.product.id);
      expect(await eventually(ids, (list) => !list.includes(sold), 3_000)).toEqual([kept]);
      await sub.until((m) => m.length >= 1);
    } finally {
      sub.dispose();
      await client.dispose();
    }
  });
});
