// Rolling a learned blend out and back live: the flag ranker.model set and removed through the
// admin mutations re-ranks a shopper's next list read, with no restart.
import { gql, OPS, startTestGateway } from '../../helpers/gateway';

jest.setTimeout(30_000);

test('setting ranker.model re-ranks the next list read, deleting it brings the hand blend back', async () => {
  const gateway = await startTestGateway({ RECSYS_TRACK_RATE_IP_PER_SECOND: '0', RECSYS_TRACK_RATE_USER_PER_SECOND: '0' });
  try {
    const now = Date.now();
    const at = (s: number) => new Date(now - 60_000 + s * 1000).toISOString();
    // After "a", earlier shoppers went on to "b" three times and to "c" once; "c" is far more popular.
    const events = [
      ...[1, 2, 3].flatMap((u) => [
        { type: 'VIEW', userId: `s${u}`, productId: 'a', occurredAt: at(u) },
        { type: 'VIEW', userId: `s${u}`, productId: 'b', occurredAt: at(u + 0.5) },
      ]),
      { type: 'VIEW', userId: 's4', productId: 'a', occurredAt: at(4) },
      { type: 'VIEW', userId: 's4', productId: 'c', occurredAt: at(4.5) },
      ...[5, 6, 7, 8, 9, 10].map((u) => ({ type: 'VIEW', userId: `s${u}`, productId: 'c', occurredAt: at(u) })),
      { type: 'VIEW', userId: 'me', productId: 'a', occurredAt: at(20) },
    ];
    const tracked = await gql(gateway.url, OPS.trackEvents, { input: events });
    expect(tracked.errors).toBeUndefined();
    const order = async () => {
      for (;;) {
        const res = await gql(gateway.url, OPS.recommendations, { userId: 'me', limit: 2 });
        const ids = (res.data?.recommendations.items as { product: { id: string } }[]).map((i) => i.product.id);
        if (ids.includes('b')) return ids; // "me"'s view of a has been scored
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    expect(await order()).toEqual(['b', 'c']);
    const set = await gql(gateway.url, 'mutation($v: JSON) { setFlag(key: "ranker.model", value: $v) { value } }', {
      v: { name: 'popular-first', weights: { popularity: 5 } },
    });
    expect(set.errors).toBeUndefined();
    expect(await order()).toEqual(['c', 'b']);
    expect((await gql(gateway.url, 'mutation { deleteFlag(key: "ranker.model") { value } }')).errors).toBeUndefined();
    expect(await order()).toEqual(['b', 'c']);
    const refused = await gql(gateway.url, 'mutation($v: JSON) { setFlag(key: "ranker.model", value: $v) { value } }', {
      v: { name: 'x', weights: { nope: 1 } },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toContain('ranker.model.weights.nope');
  } finally {
    await gateway.stop();
  }
});
