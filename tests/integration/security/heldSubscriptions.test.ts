// Held subscriptions served by the direct path (src/server/security/wsDirect.ts): graphql-ws's
// protocol as a client sees it (ids, next, complete, ids reused after complete, 4409 for an id in
// use), one shared payload per list version for the sockets of a group, and what the direct
// path leaves to graphql-ws (a query over the socket) answered as before (embedded stand-ins).
import type { Gateway } from '../../../src/app';
import { OPS, startTestGateway, uniqueId } from '../../helpers/gateway';
import { RawSocket, post } from './kit';

jest.setTimeout(30_000);

describe('held subscriptions over the websocket', () => {
  let gateway: Gateway;
  const sockets: RawSocket[] = [];
  const ready = async () => {
    const s = new RawSocket(gateway.wsUrl);
    sockets.push(s);
    await s.ready();
    return s;
  };
  /** A new version of the shopper's list, published to subscribers. */
  const change = async (userId: string, productId: string) => {
    const { recs } = await gateway.store.putRecs(userId, {
      generatedAt: new Date().toISOString(),
      strategy: 'personalized',
      arm: null,
      items: [{ productId, score: 1, reason: 'TRENDING' }],
    });
    return recs!.version;
  };
  const versionOf = (m: any) => m.payload?.data?.recommendationsUpdated?.version;

  beforeAll(async () => {
    gateway = await startTestGateway({});
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test('two sockets with the same document get each version under their own ids, with equal payloads', async () => {
    const user = uniqueId('u');
    await change(user, 'p-first');
    const [a, b] = [await ready(), await ready()];
    a.subscribe('one', OPS.recommendationsUpdated, { userId: user, limit: 5 });
    b.subscribe('two', OPS.recommendationsUpdated, { userId: user, limit: 5 });
    await Promise.all([a.result('one'), b.result('two')]);

    const version = await change(user, 'p-second');
    const [gotA, gotB] = await Promise.all([
      a.next((m) => m.id === 'one' && versionOf(m) === version),
      b.next((m) => m.id === 'two' && versionOf(m) === version),
    ]);
    expect(gotA.type).toBe('next');
    expect(gotA.payload).toEqual(gotB.payload);
    expect(gotA.payload.data.recommendationsUpdated.items.map((i: any) => i.product.id)).toEqual(['p-second']);
  });

  test('after complete a socket hears nothing more of that id, may use the id again, and the other socket keeps receiving', async () => {
    const user = uniqueId('u');
    await change(user, 'p-first');
    const [a, b] = [await ready(), await ready()];
    a.subscribe('s', OPS.recommendationsUpdated, { userId: user });
    b.subscribe('s', OPS.recommendationsUpdated, { userId: user });
    await Promise.all([a.result('s'), b.result('s')]);
    a.send({ id: 's', type: 'complete' });
    // Messages on a socket are handled in order: once the pong is back, the complete was handled.
    a.send({ type: 'ping' });
    await a.next((m) => m.type === 'pong');

    const version = await change(user, 'p-second');
    await b.next((m) => versionOf(m) === version);
    const seen = a.messages.length;
    a.subscribe('s', OPS.recommendationsUpdated, { userId: user });
    const again = await a.next((m) => a.messages.indexOf(m) >= seen && m.id === 's');
    expect(again.type).toBe('next');
    expect(versionOf(again)).toBe(version);
    // The change reached `a` only through its new subscription.
    expect(a.messages.filter((m) => versionOf(m) === version)).toHaveLength(1);
    expect(a.open).toBe(true);
  });

  test('a subscribe with an id that is running closes the socket with 4409', async () => {
    const user = uniqueId('u');
    const s = await ready();
    s.subscribe('dup', OPS.recommendationsUpdated, { userId: user });
    await s.result('dup');
    s.subscribe('dup', OPS.recommendationsUpdated, { userId: user });
    expect(await s.closed).toEqual({ code: 4409, reason: 'Subscriber for dup already exists' });
  });

  test('a query sent over the websocket is answered with next then complete, as over HTTP', async () => {
    const user = uniqueId('u');
    await change(user, 'p-query');
    const s = await ready();
    s.subscribe('q', OPS.recommendations, { userId: user });
    const answer = await s.result('q');
    await s.next((m) => m.id === 'q' && m.type === 'complete');
    expect(answer.payload.data.recommendations.items.map((i: any) => i.product.id)).toEqual(['p-query']);
  });

  test('a subscription the field refuses gets one next with the error, then complete', async () => {
    const s = await ready();
    s.subscribe('bad', OPS.recommendationsUpdated, { userId: '' });
    const answer = await s.result('bad');
    await s.next((m) => m.id === 'bad' && m.type === 'complete');
    expect(answer.type).toBe('next');
    expect(answer.payload.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  test('HTTP answers say cache-control: no-store', async () => {
    const res = await post(gateway.url, { query: OPS.recommendations, variables: { userId: uniqueId('u') } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
