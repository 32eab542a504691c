// docker-compose.yml cannot run here (no Docker engine), so its promises are checked by reading it:
// the seed's container names and ports, the three topics with replication factor 3, the gateway's
// addresses pointing at the services.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface Service {
  image?: string;
  build?: unknown;
  ports?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  command?: string[] | string;
  entrypoint?: string[];
  container_name?: string;
}

const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  name: string;
  services: Record<string, Service>;
};
const services = compose.services;
const service = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};
const hostPorts = (s: Service) => (s.ports ?? []).map((p) => Number(String(p).split(':')[0]));
const containerPorts = (s: Service) => (s.ports ?? []).map((p) => Number(String(p).split(':').pop()));

describe('docker-compose.yml', () => {
  test("is project ecommrealtimerecsys, so broker 1 runs as the seed's container ecommrealtimerecsys-kafka1-1", () => {
    expect(compose.name).toBe('ecommrealtimerecsys');
    expect(Object.keys(services).length).toBeGreaterThan(0);
    expect(
      Object.entries(services)
        .filter(([, s]) => s.container_name !== undefined)
        .map(([n]) => n),
    ).toEqual([]);
  });

  test('has zookeeper, three brokers, redis, the gateway and a one-shot topic initialiser', () => {
    expect(Object.keys(services).sort()).toEqual(['gateway', 'kafka-init', 'kafka1', 'kafka2', 'kafka3', 'redis', 'zookeeper']);
  });

  test("uses Confluent images for ZooKeeper and Kafka (kafka-topics on PATH, as the seed's commands expect)", () => {
    expect(service('zookeeper').image).toMatch(/^confluentinc\/cp-zookeeper:\d+\.\d+\.\d+$/);
    for (const k of ['kafka1', 'kafka2', 'kafka3', 'kafka-init']) expect(service(k).image).toMatch(/^confluentinc\/cp-kafka:\d+\.\d+\.\d+$/);
  });

  test('publishes the brokers on host ports 9093, 9094, 9095, ZooKeeper on 2181, Redis on 6379, the gateway on 4000', () => {
    expect(hostPorts(service('kafka1'))).toEqual([9093]);
    expect(hostPorts(service('kafka2'))).toEqual([9094]);
    expect(hostPorts(service('kafka3'))).toEqual([9095]);
    expect(hostPorts(service('zookeeper'))).toEqual([2181]);
    expect(hostPorts(service('redis'))).toEqual([6379]);
    expect(hostPorts(service('gateway'))).toEqual([4000]);
  });

  test.each([
    ['kafka1', 1, 9093],
    ['kafka2', 2, 9094],
    ['kafka3', 3, 9095],
  ])('%s (broker id %i) serves localhost:%i inside its own container and advertises that port to the host', (name, id, port) => {
    const s = service(name);
    const env = s.environment ?? {};
    expect(Number(env.KAFKA_BROKER_ID)).toBe(id);
    expect(String(env.KAFKA_LISTENERS)).toContain(`://0.0.0.0:${port},`);
    expect(String(env.KAFKA_ADVERTISED_LISTENERS)).toContain(`HOST://localhost:${port}`);
    // The host port maps to the listener advertised as localhost:<port>.
    const hostListenerPort = Number(/HOST:\/\/0\.0\.0\.0:(\d+)/.exec(String(env.KAFKA_LISTENERS))?.[1]);
    expect(containerPorts(s)).toEqual([hostListenerPort]);
    expect(env.KAFKA_ZOOKEEPER_CONNECT).toBe('zookeeper:2181');
    expect(Number(env.KAFKA_DEFAULT_REPLICATION_FACTOR)).toBe(3);
    expect(Number(env.KAFKA_MIN_INSYNC_REPLICAS)).toBe(2);
    expect(Number(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR)).toBe(3);
  });

  test('kafka-init creates view-events, add-to-cart-events and purchase-events with replication factor 3 once every broker is healthy', () => {
    const init = service('kafka-init');
    const script = [...(init.entrypoint ?? []), ...[init.command ?? []].flat()].join('\n');
    for (const topic of ['view-events', 'add-to-cart-events', 'purchase-events']) expect(script).toContain(topic);
    expect(script).toMatch(/kafka-topics .*--create/s);
    expect(script).toMatch(/--replication-factor 3\b/);
    expect(Object.keys(init.depends_on ?? {}).sort()).toEqual(['kafka1', 'kafka2', 'kafka3']);
    for (const dep of Object.values(init.depends_on ?? {})) expect(dep.condition).toBe('service_healthy');
  });

  test('the gateway is built from the Dockerfile and points KAFKA_BROKERS, REDIS_URL and ZOOKEEPER_CONNECT at the services', () => {
    const gw = service('gateway');
    expect(gw.build).toBeDefined();
    expect(gw.environment).toMatchObject({
      KAFKA_BROKERS: 'kafka1:9093,kafka2:9094,kafka3:9095',
      REDIS_URL: 'redis://redis:6379',
      ZOOKEEPER_CONNECT: 'zookeeper:2181',
    });
    expect(gw.depends_on?.['kafka-init']?.condition).toBe('service_completed_successfully');
  });

  test('the gateway container listens on every interface (HOST=0.0.0.0), since loopback, the default with auth off, is unreachable through the published port', () => {
    expect(service('gateway').environment?.HOST).toBe('0.0.0.0');
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toMatch(/^ENV .*\bHOST=0\.0\.0\.0\b/m);
  });

  test('the Dockerfile installs with npm ci, builds, and starts node dist/src/index.js', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/src\/index\.js"\]$/m);
  });
});
