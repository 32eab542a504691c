// The cost limit cannot be primed: an earlier request with other variable values (an explicit
// null instead of an omitted variable, `@include(if: false)`) must not let a later, costlier one
// through. And a subscription graphql-js cannot subscribe to (a skipped root field) is a client
// error for that operation only (embedded stand-ins; the cost limit set low through the env).
import type { Gateway } from '../../../src/app';
import { OPS, eventually, startTestGateway, uniqueId } from '../../helpers/gateway';
import { RawSocket, post, wsErrors } from './kit';

jest.setTimeout(30_000);

/** trending(limit: 100) { score product { id } } costs 1 + 100 * 3 = 301; four of them 1204. */
const MAX_COST = 1000;
const FOUR = [0, 1, 2, 3];
const DEFAULTED = `query Defaulted($l: Int = 100) { ${FOUR.map((i) => `t${i}: trending(limit: $l) { score product { id } }`).join(' ')} }`;
const INCLUDED = `query Included($x: Boolean!) { ${FOUR.map((i) => `t${i}: trending(limit: 100) @include(if: $x) { score product { id } }`).join(' ')} }`;
const SKIPPED_ROOT = 'subscription Skipped($v: Boolean!) { recommendationsUpdated(userId: "u") @include(if: $v) { userId } }';

/** The one step that must be refused, and the requests that used to prime it. */
const PRIMINGS = [
  { name: 'an omitted variable with a costly default, after the same document with an explicit null', query: DEFAULTED, primers: [{ l: null }], attack: {} },
  { name: 'fields included by a variable, after the same document with them skipped', query: INCLUDED, primers: [{ x: false }], attack: { x: true } },
  {
    name: 'fields skipped by @skip, after the same document with a cheap limit',
    query: `query Skip($s: Boolean = false, $l: Int) { ${FOUR.map((i) => `t${i}: trending(limit: $l) @skip(if: $s) { score product { id } }`).join(' ')} }`,
    primers: [{ s: true, l: 100 }, { l: 1 }],
    attack: { l: 100 },
  },
];

describe('a cost that cannot be primed', () => {
  let gateway: Gateway;
  const sockets: RawSocket[] = [];
  const socket = async () => {
    const s = new RawSocket(gateway.wsUrl);
    sockets.push(s);
    await s.ready();
    return s;
  };

  beforeAll(async () => {
    gateway = await startTestGateway({ RECSYS_MAX_COST: String(MAX_COST) });
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test.each(PRIMINGS.map((p) => [p.name, p] as const))('HTTP: %s is refused', async (_name, p) => {
    // A unique comment gives each test its own document text, so nothing earlier primed it either.
    const query = `${p.query} # ${uniqueId('http')}`;
    for (const variables of p.primers) {
      const primer = await post(gateway.url, { query, variables });
      expect({ status: primer.status, errors: primer.json.errors }).toEqual({ status: 200, errors: undefined });
    }
    const again = await post(gateway.url, { query, variables: p.attack });
    expect({ status: again.status, limit: again.json.errors?.[0]?.extensions?.limit, data: again.json.data }).toEqual({
      status: 400,
      limit: 'cost',
      data: undefined,
    });
    expect(again.json.errors[0].extensions.actual).toBeGreaterThan(MAX_COST);
  });

  test.each(PRIMINGS.map((p) => [p.name, p] as const))('websocket: %s is refused', async (_name, p) => {
    const query = `${p.query} # ${uniqueId('ws')}`;
    const s = await socket();
    p.primers.forEach((variables, i) => s.subscribe(`primer${i}`, query, variables));
    for (let i = 0; i < p.primers.length; i++) expect((await s.result(`primer${i}`)).type).toBe('next');
    s.subscribe('again', query, p.attack);
    const again = await s.result('again');
    expect({ type: again.type, limit: wsErrors(again)[0]?.extensions?.limit }).toEqual({ type: 'error', limit: 'cost' });
  });
});

describe('a subscription graphql-js cannot subscribe to', () => {
  let gateway: Gateway;
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway({});
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test.each([true, false])('HTTP: a subscription whose root field has @include(if: %s) is refused with 400, not 500', async (v) => {
    const res = await post(gateway.url, { query: SKIPPED_ROOT, variables: { v } });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toMatch(/^(BAD_REQUEST|GRAPHQL_VALIDATION_FAILED)$/);
    expect(res.text).not.toMatch(/INTERNAL_SERVER_ERROR/);
  });

  test('websocket: a skipped root field gets an error for that operation only; the socket and its other subscription keep working', async () => {
    const s = new RawSocket(gateway.wsUrl);
    sockets.push(s);
    await s.ready();
    const user = uniqueId('u');
    s.subscribe('live', OPS.recommendationsUpdated, { userId: user, limit: 5 });
    const initial = await s.result('live');
    expect(initial.type).toBe('next');
    for (const v of [false, true]) {
      s.subscribe(`skipped-${v}`, SKIPPED_ROOT.replace('"u"', `"${user}"`), { v });
      const refused = await s.result(`skipped-${v}`);
      expect({ v, type: refused.type, code: wsErrors(refused)[0]?.extensions?.code }).toEqual({ v, type: 'error', code: 'GRAPHQL_VALIDATION_FAILED' });
    }
    expect(s.open).toBe(true);
    // The first subscription still gets its pushes: someone else makes a product trending, then
    // the user's own view changes their list.
    const trending = uniqueId('b');
    await post(gateway.url, { query: OPS.trackView, variables: { input: { userId: uniqueId('x'), productId: trending } } });
    await eventually(
      async () => (await post(gateway.url, { query: '{ trending(limit: 100) { product { id } } }' })).text,
      (t) => t.includes(trending),
    );
    const tracked = await post(gateway.url, { query: OPS.trackView, variables: { input: { userId: user, productId: uniqueId('a') } } });
    expect(tracked.json.data?.trackView?.accepted).toBe(true);
    const pushed = await s.next((m) => m.id === 'live' && m.type === 'next' && m !== initial, 15_000);
    expect(JSON.stringify(pushed.payload.data.recommendationsUpdated.items)).toContain(trending);
    expect(s.open).toBe(true);
  });
});
