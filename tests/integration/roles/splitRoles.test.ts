// One deployment split over three gateway processes (dist/), one per role, sharing one prefix on
// the real stack: RECSYS_ROLES=api takes the mutation, RECSYS_ROLES=scorer scores it and refreshes
// the subscribed list, RECSYS_ROLES=push holds the subscription that receives it. Each refuses what
// its roles do not run, saying which role to use, and /readyz lists only its roles' checks.
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { CLOSE_NOT_SERVED } from '../../../src/server/notServed';
import { OPS, eventually, gql, realStackEnv, subscribe, uniqueId, wsClient } from '../../helpers/gateway';
import { freePort, killHard, spawnGateway, type GatewayProcess } from '../../helpers/processes';

jest.setTimeout(120_000);

const env = realStackEnv();
env.RECSYS_TRACK_RATE_IP_PER_SECOND = '0'; // every request comes from 127.0.0.1

type Item = { reason: string; product: { id: string } };
type RecsMsg = { recommendationsUpdated: { version: number; items: Item[] } };
type Readiness = { status: string; checks: Record<string, { status: string }> };

const gateways: Record<'api' | 'push' | 'scorer', GatewayProcess> = {} as never;
const wsUrlOf = (g: GatewayProcess) => g.url.replace(/^http/, 'ws');
const readyz = async (g: GatewayProcess) => (await (await fetch(g.url.replace('/graphql', '/readyz'))).json()) as Readiness;

beforeAll(async () => {
  // The scorer last: it must lead though the others registered in ZooKeeper first.
  for (const role of ['api', 'push', 'scorer'] as const) {
    gateways[role] = await spawnGateway({ ...env, RECSYS_ROLES: role, RECSYS_INSTANCE_ID: role }, await freePort());
  }
  // Each ready: the scorer's consumer has joined its group, so what the api accepts gets scored.
  for (const g of Object.values(gateways))
    await eventually(
      () => readyz(g),
      (r) => r.status === 'ready',
      60_000,
      250,
    );
});

afterAll(async () => {
  await Promise.all(Object.values(gateways).map((g) => killHard(g)));
});

test('/readyz of each process lists only the checks of the roles it runs', async () => {
  const checks = async (g: GatewayProcess) => Object.keys((await readyz(g)).checks).sort();
  expect(await checks(gateways.api)).toEqual(['flags', 'kafka', 'producer', 'redis', 'zookeeper']);
  expect(await checks(gateways.scorer)).toEqual(['consumer', 'flags', 'kafka', 'redis', 'zookeeper']);
  expect(await checks(gateways.push)).toEqual(['flags', 'redis', 'zookeeper']);
});

test('a mutation sent to the api process is scored by the scorer process and pushed by the push process', async () => {
  const view = (userId: string, productId: string) => gql(gateways.api.url, OPS.trackView, { input: { userId, productId } });
  const [shopper, other] = [uniqueId('shopper'), uniqueId('other')];
  const [shoes, socks, laces] = [uniqueId('shoes'), uniqueId('socks'), uniqueId('laces')];
  for (const p of [shoes, socks, laces]) expect((await view(other, p)).errors).toBeUndefined();
  await eventually(
    () => gql(gateways.api.url, `query($p: ID!) { similarProducts(productId: $p) { product { id } } }`, { p: shoes }),
    (r) => (r.data?.similarProducts ?? []).length >= 2,
    30_000,
  );

  const client = wsClient(wsUrlOf(gateways.push));
  const sub = subscribe<RecsMsg>(client, OPS.recommendationsUpdated, { userId: shopper, limit: 10 });
  try {
    await sub.until((m) => m.length >= 1); // the current list first
    expect(sub.received[0]!.errors).toBeUndefined();
    expect((await view(shopper, shoes)).data?.trackView.accepted).toBe(true);
    await sub.until((m) => m.some((x) => x.data?.recommendationsUpdated.items.some((i) => i.product.id === socks && i.reason === 'ALSO_VIEWED')), 30_000);
  } finally {
    sub.dispose();
    await client.dispose();
  }
  // Only the scorer scored: the others have no consumer (a counter never incremented has no sample).
  const scored = async (g: GatewayProcess) => {
    const text = await (await fetch(g.url.replace('/graphql', '/metrics'))).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('recsys_scored_events_total{result="learned"}'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  };
  expect(await scored(gateways.scorer)).toBeGreaterThanOrEqual(4);
  expect(await scored(gateways.api)).toBe(0);
  expect(await scored(gateways.push)).toBe(0);
});

test('the api process closes a websocket at once with 4421, naming the push role', async () => {
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    const client = createClient({
      url: wsUrlOf(gateways.api),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      on: { closed: (event) => resolve(event as { code: number; reason: string }) },
    });
    client.subscribe({ query: OPS.recommendationsUpdated, variables: { userId: uniqueId('u') } }, { next: () => {}, error: () => {}, complete: () => {} });
  });
  const { code, reason } = await closed;
  expect(code).toBe(CLOSE_NOT_SERVED);
  expect(reason).toBe('subscriptions are served by gateways with the push role; this one runs RECSYS_ROLES=api');
});

test('the push process refuses track mutations with MISDIRECTED and still answers queries', async () => {
  const userId = uniqueId('u');
  const res = await gql(gateways.push.url, OPS.trackView, { input: { userId, productId: 'p-1' } });
  expect(res.data).toBeNull();
  expect(res.errors?.[0]?.extensions?.code).toBe('MISDIRECTED');
  expect(res.errors?.[0]?.message).toBe('track mutations need a gateway with the api role; this one runs RECSYS_ROLES=push');
  const read = await gql(gateways.push.url, OPS.recommendations, { userId, limit: 5 });
  expect(read.errors).toBeUndefined();
  expect(read.data?.recommendations.userId).toBe(userId);
});

test('the scorer process serves no GraphQL: 404 with MISDIRECTED', async () => {
  const res = await fetch(gateways.scorer.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ trending { product { id } } }' }),
  });
  expect(res.status).toBe(404);
  const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
  expect(body.errors[0]!.extensions.code).toBe('MISDIRECTED');
  expect(body.errors[0]!.message).toContain('RECSYS_ROLES=scorer');
});

test('all three are listed as instances and the scorer leads, though it registered last', async () => {
  const res = await eventually(
    () => gql(gateways.api.url, '{ instances { id isLeader } }'),
    (r) => (r.data?.instances ?? []).length === 3,
  );
  const instances = res.data!.instances as { id: string; isLeader: boolean }[];
  expect(instances.map((i) => i.id).sort()).toEqual(['api', 'push', 'scorer']);
  expect(instances.filter((i) => i.isLeader).map((i) => i.id)).toEqual(['scorer']);
});
