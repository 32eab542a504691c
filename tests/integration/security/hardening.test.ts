// Tokens that must expire, websockets that may not idle or pile up per address, and /metrics
// behind a token of its own (production-mode embedded gateways, limits set through the env).
import jwt from 'jsonwebtoken';
import type { Gateway } from '../../../src/app';
import { OPS, startTestGateway } from '../../helpers/gateway';
import { RawSocket, SECRET, bearer, post, token } from './kit';

jest.setTimeout(30_000);

const IDLE_MS = 400;
const MAX_SOCKETS = 3;
const METRICS_TOKEN = 'scrape-me-0123456789abcdef';
const DAY = 24 * 3600;

const unsigned = (claims: Record<string, unknown>) => bearer(jwt.sign(claims, SECRET, { algorithm: 'HS256' }));

describe('a production gateway', () => {
  let gateway: Gateway;
  const sockets: RawSocket[] = [];
  const socket = () => {
    const s = new RawSocket(gateway.wsUrl);
    sockets.push(s);
    return s;
  };
  const alice = bearer(token({ sub: 'alice' }));
  const metricsUrl = () => gateway.url.replace('/graphql', '/metrics');

  beforeAll(async () => {
    gateway = await startTestGateway({
      NODE_ENV: 'production',
      RECSYS_JWT_SECRET: SECRET,
      RECSYS_WS_IDLE_TIMEOUT_MS: String(IDLE_MS),
      RECSYS_WS_MAX_SOCKETS_PER_ADDRESS: String(MAX_SOCKETS),
      RECSYS_METRICS_TOKEN: METRICS_TOKEN,
    });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test('refuses a token without exp, and one that lives longer than RECSYS_JWT_MAX_AGE_SECONDS (24 h), over HTTP and the websocket', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases = {
      'no exp': { token: unsigned({ sub: 'alice' }), reason: /no expiry/ },
      'a 25 h life': { token: unsigned({ sub: 'alice', iat: now, exp: now + DAY + 3600 }), reason: /longer than the 86400 s/ },
      'a 25 h life without iat': { token: unsigned({ sub: 'alice', exp: now + DAY + 3600 }), reason: /longer than the 86400 s/ },
    };
    for (const [name, c] of Object.entries(cases)) {
      const res = await post(gateway.url, { query: '{ __typename }' }, { authorization: c.token });
      expect({ name, status: res.status, code: res.json.errors?.[0]?.extensions?.code }).toEqual({ name, status: 401, code: 'UNAUTHENTICATED' });
      expect(res.json.errors[0].message).toMatch(c.reason);
      const s = socket();
      await s.init({ authorization: c.token });
      const closed = await s.closed;
      expect({ name, code: closed.code }).toEqual({ name, code: 4403 });
      expect(closed.reason).toMatch(c.reason);
    }
    const ok = await post(gateway.url, { query: '{ __typename }' }, { authorization: unsigned({ sub: 'alice', iat: now, exp: now + DAY }) });
    expect(ok.status).toBe(200);
  });

  test('an acknowledged websocket with no subscription and no ping is closed once RECSYS_WS_IDLE_TIMEOUT_MS passes', async () => {
    const s = socket();
    await s.ready({ authorization: alice });
    const started = Date.now();
    const closed = await s.closed;
    expect({ code: closed.code, reason: closed.reason }).toEqual({ code: 4408, reason: `idle: no subscription or ping for ${IDLE_MS} ms` });
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS - 50);
  });

  test('pings keep an idle socket open, and so does a running subscription; it closes once both stop', async () => {
    const pinged = socket();
    await pinged.ready({ authorization: alice });
    for (let i = 0; i < 6; i++) {
      pinged.send({ type: 'ping' });
      await pinged.next((m) => m.type === 'pong' && pinged.messages.filter((x) => x.type === 'pong').length > i);
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS / 2));
    }
    expect(pinged.open).toBe(true); // 6 × IDLE_MS/2 = 1.5 idle timeouts have passed

    const subscribed = socket();
    await subscribed.ready({ authorization: alice });
    subscribed.subscribe('live', OPS.recommendationsUpdated, { userId: 'alice' });
    expect((await subscribed.result('live')).type).toBe('next');
    // Wait out three idle timeouts on the pinged socket's closing (no more pings): the subscribed one stays.
    const pingedClosed = await pinged.closed;
    expect(pingedClosed.code).toBe(4408);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS * 2));
    expect(subscribed.open).toBe(true);
    subscribed.send({ id: 'live', type: 'complete' });
    expect((await subscribed.closed).code).toBe(4408);
  });

  test(`at most RECSYS_WS_MAX_SOCKETS_PER_ADDRESS (${MAX_SOCKETS}) websockets per address; a closed one frees its slot`, async () => {
    const held = [socket(), socket(), socket()];
    await Promise.all(held.map((s) => s.opened));
    const over = socket();
    await over.closed;
    expect(over.refusedStatus).toBe(429);
    held[0]!.close();
    await held[0]!.closed;
    // The server sees the close a moment after the client: retry until the slot is free.
    let again = socket();
    for (
      let i = 0;
      i < 50 &&
      (await again.opened.then(
        () => true,
        () => false,
      )) === false;
      i++
    ) {
      expect(again.refusedStatus).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = socket();
    }
    await again.opened;
    await again.ready({ authorization: alice });
  });

  test('GET /metrics needs its own bearer token: none or a user token is 401, the metrics token answers the series', async () => {
    const none = await fetch(metricsUrl());
    expect({ status: none.status, auth: none.headers.get('www-authenticate') }).toEqual({ status: 401, auth: 'Bearer realm="metrics"' });
    expect((await fetch(metricsUrl(), { headers: { authorization: alice } })).status).toBe(401);
    expect((await fetch(metricsUrl(), { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401);
    const ok = await fetch(metricsUrl(), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/recsys_subscriptions_open/);
  });
});

test('a production gateway without RECSYS_METRICS_TOKEN refuses GET /metrics (403) and says how to turn it on', async () => {
  const gateway = await startTestGateway({ NODE_ENV: 'production', RECSYS_JWT_SECRET: SECRET });
  try {
    const res = await fetch(gateway.url.replace('/graphql', '/metrics'));
    expect({ status: res.status, text: await res.text() }).toEqual({
      status: 403,
      text: 'metrics are disabled in production until RECSYS_METRICS_TOKEN is set\n',
    });
  } finally {
    await gateway.stop();
  }
});
