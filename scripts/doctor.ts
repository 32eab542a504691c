// `npm run doctor`: the seed's three infrastructure checks against the configured servers
// (KAFKA_BROKERS, REDIS_URL or REDIS_CLUSTER_NODES, ZOOKEEPER_CONNECT; defaults: the local stack). Exit 0 when all pass;
// otherwise 1, naming each part that failed and how to start it.
import { loadStackConfig } from '../src/config';
import { runDoctor } from '../src/doctor';
import { describeRedis } from '../src/store/redisClient';

async function main(): Promise<number> {
  const config = loadStackConfig(process.env);
  if (!config.kafka || !config.redis || !config.zookeeper) throw new Error('unreachable: the stack config is distributed');
  const results = await runDoctor({
    targets: {
      kafkaBrokers: config.kafka.brokers,
      redisUrl: config.redis.url ?? '',
      redisClusterNodes: config.redis.clusterNodes,
      zookeeperConnect: config.zookeeper.connect,
    },
    print: (line) => console.log(line),
  });
  const failed = results.filter((r) => !r.ok);
  const where: Record<string, string> = {
    Kafka: config.kafka.brokers.join(','),
    Redis: describeRedis(config.redis),
    ZooKeeper: config.zookeeper.connect,
  };
  for (const r of failed) {
    console.error(`doctor: ${r.part} check FAILED (${where[r.part]}): ${r.error?.message ?? 'unknown error'}`);
  }
  if (failed.length > 0) {
    console.error(`doctor: ${failed.map((r) => r.part).join(', ')} not working. Start the local stack with: npm run stack:up  (status: npm run stack:status)`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`doctor: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
