// The bench's tokens: what its production gateways accept from each shopper, the admin forwarder
// and the metrics scraper, checked by the gateway's own configuration and authenticator.
import { loadConfig } from '../../../src/config';
import { createAuthenticator } from '../../../src/server/auth';
import { assertActsFor } from '../../../src/resolvers/authz';
import { createBenchAuth } from '../../../scripts/bench/tokens';

const STACK = { KAFKA_BROKERS: '127.0.0.1:9093', REDIS_URL: 'redis://127.0.0.1:6379', ZOOKEEPER_CONNECT: '127.0.0.1:2181' };

describe('bench tokens', () => {
  it('turns a gateway into a production one that a metrics token unlocks', () => {
    const auth = createBenchAuth();
    const config = loadConfig({ ...STACK, ...auth.env });
    expect(config.production).toBe(true);
    expect(config.auth.requireExpiry).toBe(true);
    expect(auth.metrics).toBe(`Bearer ${config.security.metricsToken}`);
  });

  it('mints a shopper token that acts for that shopper only and carries an expiry', () => {
    const auth = createBenchAuth();
    const viewerFrom = createAuthenticator(loadConfig({ ...STACK, ...auth.env }).auth);
    const viewer = viewerFrom(auth.shopper('u-17'));
    expect(viewer).toEqual({ userId: 'u-17', admin: false, authEnabled: true });
    expect(() => assertActsFor(viewer, 'u-17')).not.toThrow();
    expect(() => assertActsFor(viewer, 'u-18')).toThrow(/may not act for userId "u-18"/);
  });

  it('mints each shopper a token once and reuses it', () => {
    const auth = createBenchAuth();
    const first = auth.shopper('u-1');
    expect(auth.shopper('u-1')).toBe(first);
    expect(auth.shopper('u-2')).not.toBe(first);
  });

  it('mints an admin token that may act for any shopper', () => {
    const auth = createBenchAuth();
    const viewer = createAuthenticator(loadConfig({ ...STACK, ...auth.env }).auth)(auth.admin());
    expect(viewer.admin).toBe(true);
    expect(() => assertActsFor(viewer, 'anyone')).not.toThrow();
  });

  it('mints tokens another run (another secret) refuses', () => {
    const theirs = createAuthenticator(loadConfig({ ...STACK, ...createBenchAuth().env }).auth);
    expect(() => theirs(createBenchAuth().shopper('u-1'))).toThrow(/malformed or its signature is wrong/);
  });

  it('mints tokens that stop working once their life is over', () => {
    let now = Date.UTC(2026, 10, 30);
    const auth = createBenchAuth('s'.repeat(32), 60, () => now);
    const viewerFrom = createAuthenticator(loadConfig({ ...STACK, ...auth.env }).auth, () => now);
    const token = auth.shopper('u-1');
    expect(viewerFrom(token).userId).toBe('u-1');
    now += 61_000;
    expect(() => viewerFrom(token)).toThrow(/expired/);
  });
});
