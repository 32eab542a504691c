// The security settings: defaults, overrides and refusals at start-up.
import { loadConfig } from '../../../src/config';
import { ConfigError } from '../../../src/errors';

describe('the security configuration', () => {
  test('has sound defaults', () => {
    expect(loadConfig({}).security).toEqual({
      allowedOrigins: null,
      trustProxyHops: 0,
      maxDepth: 8,
      maxAliases: 15,
      maxTokens: 2000,
      maxCost: 5000,
      maxFieldsPerSelection: 20,
      maxFields: 300,
      validationCacheEntries: 500,
      maxBodyBytes: 262_144,
      wsMaxPayloadBytes: 65_536,
      wsMaxSubscriptions: 20,
      wsConnectionInitTimeoutMs: 5000,
      wsIdleTimeoutMs: 60_000,
      wsMaxSocketsPerAddress: 100,
      metricsToken: null,
      trackRate: { user: { perSecond: 20, burst: 40 }, ip: { perSecond: 500, burst: 1000 } },
    });
  });

  test('takes every limit from the environment', () => {
    const security = loadConfig({
      RECSYS_MAX_DEPTH: '5',
      RECSYS_MAX_ALIASES: '0',
      RECSYS_MAX_TOKENS: '300',
      RECSYS_MAX_COST: '99',
      RECSYS_MAX_BODY_BYTES: '2048',
      RECSYS_WS_MAX_PAYLOAD_BYTES: '4096',
      RECSYS_WS_MAX_SUBSCRIPTIONS: '2',
      RECSYS_WS_CONNECTION_INIT_TIMEOUT_MS: '250',
      RECSYS_TRACK_RATE_USER_PER_SECOND: '0',
      RECSYS_TRACK_RATE_USER_BURST: '1',
      RECSYS_TRACK_RATE_IP_PER_SECOND: '3',
      RECSYS_TRACK_RATE_IP_BURST: '6',
      RECSYS_TRUST_PROXY_HOPS: '1',
      RECSYS_ALLOWED_ORIGINS: 'https://shop.example.com/, http://localhost:3000',
      RECSYS_MAX_FIELDS_PER_SELECTION: '7',
      RECSYS_MAX_FIELDS: '70',
      RECSYS_VALIDATION_CACHE_ENTRIES: '9',
      RECSYS_WS_IDLE_TIMEOUT_MS: '1500',
      RECSYS_WS_MAX_SOCKETS_PER_ADDRESS: '3',
      RECSYS_METRICS_TOKEN: 'scrape-token-0123456789',
    }).security;
    expect(security).toEqual({
      allowedOrigins: ['https://shop.example.com', 'http://localhost:3000'],
      trustProxyHops: 1,
      maxDepth: 5,
      maxAliases: 0,
      maxTokens: 300,
      maxCost: 99,
      maxBodyBytes: 2048,
      wsMaxPayloadBytes: 4096,
      wsMaxSubscriptions: 2,
      wsConnectionInitTimeoutMs: 250,
      maxFieldsPerSelection: 7,
      maxFields: 70,
      validationCacheEntries: 9,
      wsIdleTimeoutMs: 1500,
      wsMaxSocketsPerAddress: 3,
      metricsToken: 'scrape-token-0123456789',
      trackRate: { user: { perSecond: 0, burst: 1 }, ip: { perSecond: 3, burst: 6 } },
    });
  });

  test('a malformed limit or origin is a start-up error naming the variable', () => {
    expect(() => loadConfig({ RECSYS_MAX_DEPTH: '0' })).toThrow(/RECSYS_MAX_DEPTH/);
    expect(() => loadConfig({ RECSYS_MAX_COST: 'lots' })).toThrow(ConfigError);
    expect(() => loadConfig({ RECSYS_ALLOWED_ORIGINS: 'shop.example.com' })).toThrow(/RECSYS_ALLOWED_ORIGINS/);
    expect(() => loadConfig({ RECSYS_MAX_FIELDS_PER_SELECTION: '0' })).toThrow(/RECSYS_MAX_FIELDS_PER_SELECTION/);
    expect(() => loadConfig({ RECSYS_WS_IDLE_TIMEOUT_MS: 'soon' })).toThrow(/RECSYS_WS_IDLE_TIMEOUT_MS/);
    expect(() => loadConfig({ RECSYS_METRICS_TOKEN: 'short' })).toThrow(/RECSYS_METRICS_TOKEN/);
    expect(() => loadConfig({ RECSYS_JWT_MAX_AGE_SECONDS: '0' })).toThrow(/RECSYS_JWT_MAX_AGE_SECONDS/);
  });

  test('production allows only the same origin unless origins are listed, and never "*"', () => {
    const production = { NODE_ENV: 'production', RECSYS_JWT_SECRET: 's' };
    expect(loadConfig(production).security.allowedOrigins).toEqual([]);
    expect(() => loadConfig({ ...production, RECSYS_ALLOWED_ORIGINS: '*' })).toThrow(/RECSYS_ALLOWED_ORIGINS/);
    expect(loadConfig({ RECSYS_ALLOWED_ORIGINS: '*' }).security.allowedOrigins).toBeNull();
  });
});
