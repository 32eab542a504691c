// The Redis Cluster the cluster suites run against: TEST_REDIS_CLUSTER_NODES, which .ci/run and
// `npm test` (scripts/test.js) export after starting it. Unset fails the suite, naming the command:
// these tests must run in CI, never skip quietly. (Not REDIS_CLUSTER_NODES itself: every process a
// test spawns inherits the environment, and a child given REDIS_URL would then be told both.)
import { createRedisClient, type RedisClient } from '../../src/store/redisClient';
import type { Env } from '../../src/config';
import { realStackEnv } from './gateway';

export const START_CLUSTER =
  'npm run stack:up -- --redis-cluster, then export TEST_REDIS_CLUSTER_NODES=127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003,127.0.0.1:7004,127.0.0.1:7005 (npm test does both)';

export function clusterNodes(): string[] {
  const raw = process.env.TEST_REDIS_CLUSTER_NODES ?? '';
  if (raw === '') throw new Error(`TEST_REDIS_CLUSTER_NODES is not set: the Redis Cluster suites need a cluster. Start one with: ${START_CLUSTER}`);
  return raw.split(',').map((s) => s.trim());
}

/** A client of the test cluster (`subscriber`: with sharded-subscriber connections). */
export function clusterClient(role: { subscriber?: boolean } = {}): RedisClient {
  return createRedisClient({ url: null, clusterNodes: clusterNodes() }, {}, role);
}

/** realStackEnv() with the cluster in place of the single Redis. */
export function clusterStackEnv(): Env {
  const env = realStackEnv();
  delete env.REDIS_URL;
  env.REDIS_CLUSTER_NODES = clusterNodes().join(',');
  return env;
}
