// Every abuse limit, exactly at its bound and just over it, over HTTP and over the websocket
// (embedded stand-ins, limits set low through the environment the way an operator sets them).
import type { Gateway } from '../../../src/app';
import { OPS, startTestGateway, uniqueId } from '../../helpers/gateway';
import { RawSocket, embeddedLogged, post, wsErrors } from './kit';

jest.setTimeout(30_000);

const LIMITS = {
  RECSYS_MAX_DEPTH: '3',
  RECSYS_MAX_ALIASES: '2',
  RECSYS_MAX_TOKENS: '60',
  RECSYS_MAX_COST: '100',
  // The token documents below are one long selection set; the field caps have their own tests (budget.test.ts).
  RECSYS_MAX_FIELDS_PER_SELECTION: '100',
  RECSYS_MAX_FIELDS: '100',
  RECSYS_MAX_BODY_BYTES: '2048',
  RECSYS_WS_MAX_SUBSCRIPTIONS: '3',
  RECSYS_TRACK_RATE_USER_PER_SECOND: '1',
  RECSYS_TRACK_RATE_USER_BURST: '3',
  RECSYS_TRACK_RATE_IP_PER_SECOND: '1',
  RECSYS_TRACK_RATE_IP_BURST: '6',
};

/** A query of exactly `n` lexical tokens: braces plus n - 2 `__typename` fields. */
const tokens = (n: number) => `{ ${'__typename '.repeat(n - 2)}}`;
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: trending(limit: 1) { score }`).join(' ')} }`;
/** trending(limit: n) { score product { id } } costs 1 + 3n: 33 is exactly 100. */
const costly = (limit: number) => `{ trending(limit: ${limit}) { score product { id } } }`;
/** A subscription within the depth limit of 3. */
const LIST_VERSION = 'subscription($userId: ID!, $limit: Int) { recommendationsUpdated(userId: $userId, limit: $limit) { version } }';

const BOUNDS: { name: string; limit: string; code: string; atBound: string; over: string }[] = [
  {
    name: 'the depth',
    limit: 'depth',
    code: 'GRAPHQL_VALIDATION_FAILED',
    atBound: '{ trending(limit: 1) { product { id } } }',
    over: '{ recommendations(userId: "u", limit: 1) { items { product { id } } } }',
  },
  {
    name: 'the depth of a query and fragment named __schema',
    limit: 'depth',
    code: 'GRAPHQL_VALIDATION_FAILED',
    atBound: 'query __schema { trending(limit: 1) { product { id } } }',
    over: 'query __schema { recommendations(userId: "u", limit: 1) { ...__schema } } fragment __schema on Recommendations { items { product { id } } }',
  },
  { name: 'the alias count', limit: 'aliases', code: 'GRAPHQL_VALIDATION_FAILED', atBound: aliases(2), over: aliases(3) },
  { name: 'the token count', limit: 'tokens', code: 'GRAPHQL_PARSE_FAILED', atBound: tokens(60), over: tokens(61) },
  { name: 'the cost', limit: 'cost', code: 'GRAPHQL_VALIDATION_FAILED', atBound: costly(33), over: costly(34) },
];

describe('the abuse limits', () => {
  let gateway: Gateway;
  const sockets: RawSocket[] = [];
  const socket = async () => {
    const s = new RawSocket(gateway.wsUrl);
    sockets.push(s);
    await s.ready();
    return s;
  };

  beforeAll(async () => {
    gateway = await startTestGateway(LIMITS);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test.each(BOUNDS.map((b) => [b.name, b] as const))(
    '%s: at the bound passes over HTTP, one over is refused with HTTP 400 and the limit named',
    async (_name, bound) => {
      const ok = await post(gateway.url, { query: bound.atBound });
      expect({ status: ok.status, errors: ok.json.errors }).toEqual({ status: 200, errors: undefined });
      const refused = await post(gateway.url, { query: bound.over });
      expect(refused.status).toBe(400);
      expect(refused.json.data).toBeUndefined();
      expect(refused.json.errors[0].extensions.code).toBe(bound.code);
      expect(refused.json.errors[0].extensions.limit).toBe(bound.limit);
    },
  );

  test.each(BOUNDS.map((b) => [b.name, b] as const))(
    '%s: at the bound passes over the websocket, one over is refused with the same error and the socket stays open',
    async (_name, bound) => {
      const s = await socket();
      s.subscribe('ok', bound.atBound);
      const ok = await s.result('ok');
      expect({ type: ok.type, errors: ok.payload.errors }).toEqual({ type: 'next', errors: undefined });
      s.subscribe('over', bound.over);
      const refused = await s.result('over');
      expect(refused.type).toBe('error');
      expect(wsErrors(refused)[0]?.extensions?.code).toBe(bound.code);
      expect(wsErrors(refused)[0]?.extensions?.limit).toBe(bound.limit);
      expect(wsErrors(refused)[0]?.extensions).not.toHaveProperty('http');
      expect(s.open).toBe(true);
    },
  );

  test('cost counts variables: a limit given as a variable multiplies just the same', async () => {
    const query = 'query($n: Int) { trending(limit: $n) { score product { id } } }';
    expect((await post(gateway.url, { query, variables: { n: 33 } })).status).toBe(200);
    expect((await post(gateway.url, { query, variables: { n: 34 } })).json.errors[0].extensions.limit).toBe('cost');
    const s = await socket();
    s.subscribe('v', query, { n: 34 });
    expect(wsErrors(await s.result('v'))[0]?.extensions?.limit).toBe('cost');
  });

  test('an HTTP body exactly at the size limit is read, one byte more gets 413 with a code', async () => {
    const body = (bytes: number) => {
      const base = JSON.stringify({ query: '{ __typename }', variables: { pad: '' } });
      return base.replace('"pad":""', `"pad":"${'x'.repeat(bytes - base.length)}"`);
    };
    expect(Buffer.byteLength(body(2048))).toBe(2048);
    expect((await post(gateway.url, body(2048))).status).toBe(200);
    const over = await post(gateway.url, body(2049));
    expect(over.status).toBe(413);
    expect(over.json.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  test('a connection holds at most the configured subscriptions; one more gets RATE_LIMITED and the socket stays open', async () => {
    const s = await socket();
    for (let i = 0; i < 3; i++) s.subscribe(`s${i}`, LIST_VERSION, { userId: uniqueId('u'), limit: 1 });
    for (let i = 0; i < 3; i++) expect((await s.result(`s${i}`)).type).toBe('next');
    s.subscribe('s3', LIST_VERSION, { userId: uniqueId('u'), limit: 1 });
    const refused = await s.result('s3');
    expect(wsErrors(refused)[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'subscriptions', max: 3 });
    expect(s.open).toBe(true);
    s.send({ id: 's0', type: 'complete' });
    await new Promise((r) => setTimeout(r, 50));
    s.subscribe('s4', LIST_VERSION, { userId: uniqueId('u'), limit: 1 });
    expect((await s.result('s4')).type).toBe('next');
  });

  test('track mutations are rate limited per user and per address, the same over HTTP and websocket, and refused ones never reach the log', async () => {
    const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(uniqueId) as [string, string, string, string];
    const one = (userId: string) => post(gateway.url, { query: OPS.trackView, variables: { input: { userId, productId: 'p' } } });
    const before = embeddedLogged(gateway);

    for (let i = 0; i < 3; i++) expect((await one(alice)).json.data.trackView.accepted).toBe(true); // the user's burst
    const userRefused = await one(alice);
    expect(userRefused.json.data).toBeNull();
    expect(userRefused.json.errors[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    expect(userRefused.json.errors[0].message).toMatch(/user/);

    for (const user of [bob, bob, carol]) expect((await one(user)).json.data.trackView.accepted).toBe(true); // the address's burst of 6 is spent
    const addressRefused = await one(dave);
    expect(addressRefused.json.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(addressRefused.json.errors[0].message).toMatch(/address/);

    const s = await socket(); // same client address, same bucket
    s.subscribe('ws', OPS.trackView, { input: { userId: dave, productId: 'p' } });
    expect(wsErrors(await s.result('ws'))[0]?.extensions?.code).toBe('RATE_LIMITED');

    expect(embeddedLogged(gateway) - before).toBe(6);
  });
});
