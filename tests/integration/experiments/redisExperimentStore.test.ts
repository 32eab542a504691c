// The experiment store contract on the real Redis (single server) and on the Redis Cluster:
// a shopper's state and the counters it adds to share a slot, totals are summed over every shard.
import Redis from 'ioredis';
import { RedisExperimentStore } from '../../../src/experiments/redisExperimentStore';
import { experimentStoreContract } from '../../contract/experimentStore.contract';
import { uniqueId } from '../../helpers/gateway';
import { clusterClient } from '../../helpers/redisCluster';

jest.setTimeout(60_000);

const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

experimentStoreContract('redis', async () => {
  const redis = new Redis(url);
  return { store: new RedisExperimentStore(redis, uniqueId('exp')), close: async () => void (await redis.quit()) };
});

experimentStoreContract('redis cluster', async () => {
  const redis = clusterClient();
  return { store: new RedisExperimentStore(redis, uniqueId('exp')), close: async () => void (await redis.quit()) };
});
