// Where each part of the stack lives, from the validated configuration (KAFKA_BROKERS, REDIS_URL,
// ZOOKEEPER_CONNECT, defaulting to 127.0.0.1:9093, redis://127.0.0.1:6379, 127.0.0.1:2181).
import { STACK_DEFAULTS, type Config } from '../../src/config';

export interface StackTargets {
  kafka: { host: string; basePort: number };
  zookeeper: { host: string; port: number };
  redis: { url: string; host: string; port: number };
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0']);

export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.has(host);
}

function splitHostPort(value: string): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  return { host: value.slice(0, i), port: Number(value.slice(i + 1)) };
}

export function stackTargets(config: Config): StackTargets {
  if (!config.kafka || !config.redis || !config.zookeeper) {
    throw new Error('stack targets need a distributed configuration (loadStackConfig provides one)');
  }
  const kafka = splitHostPort(config.kafka.brokers[0] ?? '127.0.0.1:9093');
  const zk = splitHostPort(config.zookeeper.connect.split(',')[0] ?? '127.0.0.1:2181');
  // The stack's single Redis, also when the gateways are pointed at a cluster (REDIS_CLUSTER_NODES).
  const url = config.redis.url ?? STACK_DEFAULTS.REDIS_URL;
  const redisUrl = new URL(url);
  return {
    kafka: { host: kafka.host, basePort: kafka.port },
    zookeeper: zk,
    redis: { url, host: redisUrl.hostname || '127.0.0.1', port: Number(redisUrl.port || 6379) },
  };
}
