// Start-up and running with parts down. Each dependency is reached through a TCP proxy the test
// controls (the shared Kafka, Redis and ZooKeeper are never touched): a blocked proxy refuses
// connections as a server that is down does. Kafka is only unreachable while blocked at start
// (after bootstrapping, kafkajs talks to the address the broker advertises), which is the case here.
import { TcpProxy } from '../flags/zkTestKit';
import { OPS, eventually, gql, realStackEnv, startTestGateway, uniqueId } from '../../helpers/gateway';
import type { Gateway } from '../../../src/app';

jest.setTimeout(120_000);

interface ReadyBody {
  status: string;
  checks: Record<string, { status: string; detail?: any }>;
  degraded: string[];
  down: string[];
}

const base = (gateway: Gateway) => gateway.url.replace(/\/graphql$/, '');

async function readyz(gateway: Gateway): Promise<{ code: number; body: ReadyBody }> {
  const res = await fetch(`${base(gateway)}/readyz`);
  return { code: res.status, body: (await res.json()) as ReadyBody };
}

async function readinessMetric(gateway: Gateway, check: string): Promise<number | null> {
  const text = await (await fetch(`${base(gateway)}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`recsys_readiness{check="${check}"}`));
  return line ? Number(line.split(' ').pop()) : null;
}

async function proxies() {
  const env = realStackEnv();
  const kafka = await new TcpProxy(env.KAFKA_BROKERS!.split(',')[0]).start();
  const redisUrl = new URL(env.REDIS_URL!);
  const redis = await new TcpProxy(`${redisUrl.hostname}:${redisUrl.port || 6379}`).start();
  const zookeeper = await new TcpProxy(env.ZOOKEEPER_CONNECT!.split(',')[0]).start();
  const gatewayEnv = {
    ...env,
    KAFKA_BROKERS: kafka.connect,
    REDIS_URL: `redis://${redis.connect}`,
    ZOOKEEPER_CONNECT: zookeeper.connect,
    ZOOKEEPER_SESSION_TIMEOUT_MS: '4000',
  };
  return { kafka, redis, zookeeper, env: gatewayEnv, stop: () => Promise.all([kafka.stop(), redis.stop(), zookeeper.stop()]) };
}

describe('start-up with parts down', () => {
  test('the gateway starts with Kafka, Redis and ZooKeeper unreachable: /healthz 200, /readyz 503 naming each; it becomes ready by itself once they answer, and scores what it then accepts', async () => {
    const p = await proxies();
    for (const proxy of [p.kafka, p.redis, p.zookeeper]) proxy.block();
    let gateway: Gateway | null = null;
    try {
      const started = Date.now();
      gateway = await startTestGateway(p.env);
      expect(Date.now() - started).toBeLessThan(8_000); // ~2 s of waiting for the flags, nothing else

      expect((await fetch(`${base(gateway)}/healthz`)).status).toBe(200);
      const down = await readyz(gateway);
      expect(down.code).toBe(503);
      expect(down.body.status).toBe('not ready');
      expect(down.body.down).toEqual(expect.arrayContaining(['kafka', 'redis', 'zookeeper']));
      expect(down.body.checks.consumer!.status).toBe('degraded'); // waiting for Kafka; named, not hidden
      expect(await readinessMetric(gateway, 'kafka')).toBe(2);

      // A mutation while Kafka is unreachable is refused within the produce timeout, never accepted.
      const refused = await gql(gateway.url, OPS.trackView, { input: { userId: uniqueId('u'), productId: 'p1' } });
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');

      // Parts come back one by one; /readyz follows each.
      p.redis.unblock();
      const afterRedis = await eventually(
        () => readyz(gateway!),
        (r) => !r.body.down.includes('redis'),
        20_000,
        100,
      );
      expect(afterRedis.code).toBe(503);
      expect(afterRedis.body.down).toEqual(expect.arrayContaining(['kafka', 'zookeeper']));

      p.zookeeper.unblock();
      p.kafka.unblock();
      const ready = await eventually(
        () => readyz(gateway!),
        (r) => r.code === 200 && r.body.status === 'ready',
        60_000,
        200,
      );
      expect(ready.body.checks.consumer!.detail.state).toBe('running');
      expect(await readinessMetric(gateway, 'kafka')).toBe(0);

      const product = uniqueId('p');
      const accepted = await gql(gateway.url, OPS.trackView, { input: { userId: uniqueId('u'), productId: product } });
      expect(accepted.data?.trackView.accepted).toBe(true);
      await eventually(
        () => gql(gateway!.url, `{ trending(limit: 100) { product { id } } }`),
        (res) => (res.data?.trending ?? []).some((t: { product: { id: string } }) => t.product.id === product),
        30_000,
        100,
      );
    } finally {
      await gateway?.stop();
      await p.stop();
    }
  });

  test('ZooKeeper lost after start is degraded, not down: /readyz stays 200 naming the stale flags, recsys_readiness says 1; back to ready when it returns', async () => {
    const p = await proxies();
    let gateway: Gateway | null = null;
    try {
      gateway = await startTestGateway(p.env);
      await eventually(
        () => readyz(gateway!),
        (r) => r.body.status === 'ready',
        60_000,
        200,
      );

      p.zookeeper.block();
      const degraded = await eventually(
        () => readyz(gateway!),
        (r) => r.body.degraded.includes('zookeeper'),
        20_000,
        100,
      );
      expect(degraded.code).toBe(200);
      expect(degraded.body.status).toBe('degraded');
      expect(degraded.body.down).toEqual([]);
      expect(degraded.body.degraded).toEqual(expect.arrayContaining(['zookeeper', 'flags']));
      expect(degraded.body.checks.zookeeper!.detail.reason).toMatch(/last known flags/);
      expect(await readinessMetric(gateway, 'zookeeper')).toBe(1);

      // Still serving: a tracked event is accepted while the flags are stale.
      const accepted = await gql(gateway.url, OPS.trackView, { input: { userId: uniqueId('u'), productId: 'p1' } });
      expect(accepted.data?.trackView.accepted).toBe(true);

      p.zookeeper.unblock();
      await eventually(
        () => readyz(gateway!),
        (r) => r.code === 200 && r.body.status === 'ready',
        30_000,
        100,
      );
    } finally {
      await gateway?.stop();
      await p.stop();
    }
  });
});
