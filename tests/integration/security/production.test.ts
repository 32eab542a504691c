// NODE_ENV=production: no introspection, no Sandbox, CSRF prevention, no batching, no schema
// suggestions, no stack traces, and only listed browser origins (embedded stand-ins).
import type { Gateway } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { OPS, startTestGateway } from '../../helpers/gateway';
import { RawSocket, SECRET, bearer, embeddedLogged, post, token, wsErrors } from './kit';

jest.setTimeout(30_000);

const SHOP = 'https://shop.example.com';

/** Every error object anywhere in a response body. */
function allErrors(body: any): any[] {
  return Array.isArray(body?.errors) ? body.errors : [];
}

describe('the production posture', () => {
  let gateway: Gateway;
  const alice = { authorization: bearer(token({ sub: 'alice' })) };
  const sockets: RawSocket[] = [];
  const socket = async (origin?: string) => {
    const s = new RawSocket(gateway.wsUrl, { origin });
    sockets.push(s);
    await s.ready(alice);
    return s;
  };

  beforeAll(async () => {
    gateway = await startTestGateway({ NODE_ENV: 'production', RECSYS_JWT_SECRET: SECRET, RECSYS_ALLOWED_ORIGINS: SHOP });
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test('refuses to start without a JWT secret, and refuses "*" as the origin list', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/RECSYS_JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', RECSYS_JWT_SECRET: 's', RECSYS_ALLOWED_ORIGINS: '*' })).toThrow(/RECSYS_ALLOWED_ORIGINS/);
  });

  test('introspection is refused over HTTP and over the websocket; __typename still answers', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Query") { name } }']) {
      const res = await post(gateway.url, { query });
      expect(res.status).toBe(400);
      expect(res.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const s = await socket();
      s.subscribe('i', query);
      expect(wsErrors(await s.result('i'))[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    expect((await post(gateway.url, { query: '{ __typename }' })).json.data).toEqual({ __typename: 'Query' });
  });

  test('GET /graphql from a browser serves no Sandbox or landing page (development does)', async () => {
    const res = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await res.text()).not.toMatch(/<html|sandbox/i);
    expect(res.status).toBe(400);
    const development = await startTestGateway({});
    try {
      const page = await fetch(development.url, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toMatch(/sandbox/i);
    } finally {
      await development.stop();
    }
  });

  test('a text/plain or form POST (what a cross-site form can send) is refused as CSRF and nothing is tracked', async () => {
    const before = embeddedLogged(gateway);
    const body = JSON.stringify({ query: OPS.trackView, variables: { input: { userId: 'alice', productId: 'p' } } });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post(gateway.url, body, { 'content-type': type, ...alice });
      expect(res.status).toBe(400);
      expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(res.json.errors[0].message).toMatch(/Cross-Site Request Forgery/);
    }
    const simpleGet = await fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(simpleGet.status).toBe(400);
    expect(embeddedLogged(gateway)).toBe(before);
  });

  test('a batched HTTP request is refused', async () => {
    const res = await post(gateway.url, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  test('no error names a field the client might have meant, over HTTP or the websocket', async () => {
    const cases = [
      { query: '{ trendin { score } }' },
      { query: 'mutation($i: TrackViewInput!) { trackView(input: $i) { accepted } }', variables: { i: { userI: 'alice', productId: 'p' } } },
      { query: '{ trending { score reasn } }' },
    ];
    for (const c of cases) {
      const res = await post(gateway.url, c, alice);
      expect(allErrors(res.json).length).toBeGreaterThan(0);
      for (const e of allErrors(res.json)) expect(e.message).not.toMatch(/Did you mean/);
      const s = await socket();
      s.subscribe('s', c.query, c.variables ?? {});
      for (const e of wsErrors(await s.result('s'))) expect(e.message).not.toMatch(/Did you mean/);
    }
  });

  test('no error carries a stack trace, and every error carries a code', async () => {
    const responses = [
      await post(gateway.url, { query: '{ nope }' }),
      await post(gateway.url, { query: '{' }),
      await post(gateway.url, { query: OPS.trackView, variables: { input: { userId: '', productId: 'p' } } }, alice),
      await post(gateway.url, { query: OPS.recommendations, variables: { userId: 'bob' } }, alice),
      await post(gateway.url, { query: '{ __typename }' }, { authorization: 'Bearer broken' }),
      await post(gateway.url, '{"query": '),
    ];
    for (const res of responses) {
      expect(res.text).not.toMatch(/stacktrace|\n\s+at /);
      for (const e of allErrors(res.json)) expect(typeof e.extensions?.code).toBe('string');
    }
  });

  test('only listed origins open the websocket or read HTTP answers; Host is not trusted to name the same origin', async () => {
    const foreign = new RawSocket(gateway.wsUrl, { origin: 'https://evil.example' });
    sockets.push(foreign);
    await foreign.closed;
    expect(foreign.refusedStatus).toBe(403);
    await socket(SHOP);
    // DNS rebinding: evil.example resolved to the gateway sends a matching Host. Development let
    // that through as "the same origin"; production compares with the listed origins only.
    const { host } = new URL(gateway.url);
    for (const [origin, hostHeader] of [
      [`http://evil.example:${new URL(gateway.url).port}`, `evil.example:${new URL(gateway.url).port}`],
      [new URL(gateway.url).origin, host],
    ]) {
      const rebound = new RawSocket(gateway.wsUrl, { origin, headers: { host: hostHeader! } });
      sockets.push(rebound);
      await rebound.closed;
      expect({ origin, status: rebound.refusedStatus }).toEqual({ origin, status: 403 });
    }

    const read = async (origin: string) =>
      (await fetch(gateway.url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).headers.get(
        'access-control-allow-origin',
      );
    expect(await read(SHOP)).toBe(SHOP);
    expect(await read('https://evil.example')).toBeNull();
  });
});
