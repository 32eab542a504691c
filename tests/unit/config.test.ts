import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';

describe('configuration', () => {
  test('none of the three servers set means embedded mode', () => {
    expect(loadConfig({}).mode).toBe('embedded');
  });

  test('all three set means distributed mode', () => {
    const config = loadConfig({ KAFKA_BROKERS: '127.0.0.1:9093', REDIS_URL: 'redis://127.0.0.1:6379', ZOOKEEPER_CONNECT: '127.0.0.1:2181' });
    expect(config.mode).toBe('distributed');
    expect(config.kafka?.brokers).toEqual(['127.0.0.1:9093']);
  });

  test('with auth off the gateway listens on loopback unless HOST says otherwise; with auth on, on every interface', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ RECSYS_JWT_SECRET: 's'.repeat(32) }).host).toBe('0.0.0.0');
    expect(loadConfig({ RECSYS_JWT_SECRET: 's'.repeat(32), HOST: '::1' }).host).toBe('::1');
    expect(loadConfig({ HOST: 'gateway.internal' }).host).toBe('gateway.internal');
  });

  test('a HOST that is neither an address nor a host name is refused naming HOST', () => {
    expect(() => loadConfig({ HOST: 'http://0.0.0.0:4000' })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: 'http://0.0.0.0:4000' })).toThrow(/HOST: expected an IP address or a host name.*got "http:\/\/0.0.0.0:4000"/);
    expect(() => loadConfig({ HOST: '127.0.0.1 ' })).toThrow(/HOST/);
  });

  test('a partial set is a start-up error naming what is missing', () => {
    expect(() => loadConfig({ KAFKA_BROKERS: '127.0.0.1:9093' })).toThrow(/REDIS_URL or REDIS_CLUSTER_NODES, ZOOKEEPER_CONNECT.*missing/);
  });

  test('REDIS_CLUSTER_NODES stands in for REDIS_URL: a cluster of the nodes given, no single-server URL', () => {
    const config = loadConfig({ KAFKA_BROKERS: 'k:9093', REDIS_CLUSTER_NODES: '127.0.0.1:7000, 127.0.0.1:7001', ZOOKEEPER_CONNECT: 'z:2181' });
    expect(config.mode).toBe('distributed');
    expect(config.redis?.clusterNodes).toEqual(['127.0.0.1:7000', '127.0.0.1:7001']);
    expect(config.redis?.url).toBeNull();
    expect(loadConfig({ KAFKA_BROKERS: 'k:9093', REDIS_URL: 'redis://r:6379', ZOOKEEPER_CONNECT: 'z:2181' }).redis?.clusterNodes).toBeNull();
  });

  test('both REDIS_URL and REDIS_CLUSTER_NODES, or a cluster node that is not host:port, is refused naming the variable', () => {
    const base = { KAFKA_BROKERS: 'k:9093', ZOOKEEPER_CONNECT: 'z:2181' };
    expect(() => loadConfig({ ...base, REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'r:7000' })).toThrow(
      /REDIS_URL, REDIS_CLUSTER_NODES: set one of them/,
    );
    expect(() => loadConfig({ ...base, REDIS_CLUSTER_NODES: 'r:7000,redis://r:7001' })).toThrow(/REDIS_CLUSTER_NODES: "redis:\/\/r:7001" is not host:port/);
  });

  test('a malformed value names the variable', () => {
    const base = { REDIS_URL: 'redis://x:1', ZOOKEEPER_CONNECT: 'z:2181' };
    expect(() => loadConfig({ ...base, KAFKA_BROKERS: 'not a host' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, KAFKA_BROKERS: 'k:9093', REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  test('ZOOKEEPER_AUTH=user:password gives the ZooKeeper session digest credentials; a malformed one is refused without echoing it', () => {
    const servers = { KAFKA_BROKERS: 'k:9093', REDIS_URL: 'redis://r:6379', ZOOKEEPER_CONNECT: 'z:2181' };
    expect(loadConfig(servers).zookeeper?.auth).toBeNull();
    expect(loadConfig({ ...servers, ZOOKEEPER_AUTH: 'ops:pass:with:colons' }).zookeeper?.auth).toEqual({ user: 'ops', password: 'pass:with:colons' });
    const refused: [string, RegExp][] = [
      ['secretvalue', /ZOOKEEPER_AUTH: expected user:password \(no ":" found\)/],
      [':secretvalue', /ZOOKEEPER_AUTH: expected a user of 1 to 64 letters/],
      ['op s:secretvalue', /ZOOKEEPER_AUTH: expected a user of 1 to 64 letters/],
      ['ops:short', /ZOOKEEPER_AUTH: expected a password of at least 8 characters after the ':', got 5/],
    ];
    for (const [value, message] of refused) {
      expect(() => loadConfig({ ...servers, ZOOKEEPER_AUTH: value })).toThrow(message);
      expect(() => loadConfig({ ...servers, ZOOKEEPER_AUTH: value })).not.toThrow(/secretvalue|short/);
    }
    expect(() => loadConfig({ ZOOKEEPER_AUTH: 'ops:secretvalue' })).toThrow(/ZOOKEEPER_AUTH: set, but embedded mode has no ZooKeeper/);
  });

  test('production without a JWT secret refuses to start', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/RECSYS_JWT_SECRET/);
  });

  test('the fault-testing scoring delay is off by default, read when set, and refused in production', () => {
    expect(loadConfig({}).scoringDelayMs).toBe(0);
    expect(loadConfig({ RECSYS_TEST_SCORING_DELAY_MS: '4000' }).scoringDelayMs).toBe(4000);
    expect(() => loadConfig({ NODE_ENV: 'production', RECSYS_JWT_SECRET: 's', RECSYS_TEST_SCORING_DELAY_MS: '1' })).toThrow(
      /RECSYS_TEST_SCORING_DELAY_MS: a fault-testing knob; not allowed when NODE_ENV=production/,
    );
  });
});
