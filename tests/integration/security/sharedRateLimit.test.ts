// Track budgets are shared by every gateway on one Redis: two gateways give a shopper, and an
// address, one budget, not two; over it, the same RATE_LIMITED error as the in-process limits.
import type { Gateway } from '../../../src/app';
import { OPS, gql, realStackEnv, startTestGateway, uniqueId } from '../../helpers/gateway';

jest.setTimeout(60_000);

// Windows of 10 events per 10 s: long enough that the whole test runs inside one window.
const env = {
  ...realStackEnv(),
  RECSYS_TRACK_RATE_USER_PER_SECOND: '1',
  RECSYS_TRACK_RATE_USER_BURST: '10',
  RECSYS_TRACK_RATE_IP_PER_SECOND: '3',
  RECSYS_TRACK_RATE_IP_BURST: '30',
};

let gateways: Gateway[] = [];
beforeAll(async () => {
  gateways = [await startTestGateway(env), await startTestGateway(env)];
});
afterAll(async () => {
  for (const g of gateways) await g.stop();
});

async function viewOn(g: Gateway, userId: string) {
  return gql(g.url, OPS.trackView, { input: { userId, productId: 'p-1' } });
}

test("a shopper's budget is one across two gateways, refused with RATE_LIMITED and retryAfterSeconds", async () => {
  const shopper = uniqueId('shopper');
  const results = [];
  for (let i = 0; i < 20; i++) results.push(await viewOn(gateways[i % 2]!, shopper)); // alternating gateways
  const accepted = results.filter((r) => r.data?.trackView?.accepted === true).length;
  expect(accepted).toBe(10); // per process it would be 10 on each: 20
  const refused = results.filter((r) => r.errors);
  expect(refused).toHaveLength(10);
  const error = refused[0]!.errors![0]! as { message: string; extensions: { code: string; retryAfterSeconds: number } };
  expect(error.extensions.code).toBe('RATE_LIMITED');
  expect(error.extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  expect(error.message).toContain(`user "${shopper}"`);
});

test("an address's budget is one across two gateways", async () => {
  // Earlier requests of this file spent part of 127.0.0.1's window: count what is left with fresh users.
  const results = [];
  for (let i = 0; i < 40; i++) results.push(await viewOn(gateways[i % 2]!, uniqueId('u')));
  const accepted = results.filter((r) => r.data?.trackView?.accepted === true).length;
  expect(accepted).toBeLessThanOrEqual(30);
  expect(accepted).toBeGreaterThan(0);
  const refused = results.filter((r) => r.errors).map((r) => r.errors![0]! as { message: string; extensions: { code: string } });
  expect(refused.length).toBe(40 - accepted);
  for (const e of refused) {
    expect(e.extensions.code).toBe('RATE_LIMITED');
    expect(e.message).toContain('this client address');
  }
});
