// The local stack without Docker: Kafka (KRaft, jars from Maven Central on Java 17), ZooKeeper and Redis.
//   npm run stack:up [-- --brokers 3] [--partitions 6] [--timeout 120] [--redis-cluster]
//   npm run stack:status
//   npm run stack:down
// Composition root: reads the environment once through src/config and hands the result down.
import { parseArgs } from 'node:util';
import { loadStackConfig, TOPICS } from '../src/config';
import { RecsysError } from '../src/errors';
import { stackDown } from './stack/down';
import { StackSetupError } from './stack/jars';
import { stackPaths } from './stack/paths';
import { stackStatus } from './stack/status';
import { stackTargets } from './stack/targets';
import { stackUp } from './stack/up';

const USAGE = `usage: tsx scripts/stack.ts <up|down|status> [options]
  up      start Kafka, ZooKeeper and Redis (what is not already running), wait, create the topics
          --brokers N      Kafka nodes on consecutive ports from 9093 (default 1; 3 = RF 3, min ISR 2)
          --partitions N   partitions of view-events, add-to-cart-events, purchase-events (default KAFKA_PARTITIONS or 6)
          --timeout S      seconds to wait for every part to answer (default 120)
          --redis-cluster  also a Redis Cluster: 6 nodes (3 primaries, 3 replicas) on 127.0.0.1:7000-7005
                           (REDIS_CLUSTER_NODES=127.0.0.1:7000,...,127.0.0.1:7005)
  status  show each part: pid, address, answering or not (exit 1 if something does not answer)
  down    stop what up started, remove its data (the jar cache and logs stay)
          --redis-cluster  only the Redis Cluster's nodes; the rest keeps running
addresses: KAFKA_BROKERS (first entry = first broker), ZOOKEEPER_CONNECT, REDIS_URL; defaults 127.0.0.1:9093, 127.0.0.1:2181, redis://127.0.0.1:6379`;

function whole(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new StackSetupError(`--${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      brokers: { type: 'string' },
      partitions: { type: 'string' },
      timeout: { type: 'string' },
      'redis-cluster': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command || !['up', 'down', 'status'].includes(command)) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const config = loadStackConfig(process.env);
  const paths = stackPaths();
  const targets = stackTargets(config);
  const print = (line: string) => console.log(line);

  if (command === 'up') {
    await stackUp({
      paths,
      targets,
      brokers: whole('brokers', values.brokers, 1, 5),
      partitions: whole('partitions', values.partitions, 1, 1000) ?? config.kafka?.partitions ?? 6,
      topics: Object.values(TOPICS),
      timeoutMs: (whole('timeout', values.timeout, 5, 3600) ?? 120) * 1000,
      redisCluster: values['redis-cluster'] ?? false,
      javaHome: process.env.JAVA_HOME,
      print,
    });
    return 0;
  }
  if (command === 'down') {
    await stackDown({ paths, print, redisClusterOnly: values['redis-cluster'] ?? false });
    return 0;
  }
  return (await stackStatus({ paths, targets, print })) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof StackSetupError || err instanceof RecsysError) {
      console.error(`stack: ${err.message}`);
    } else {
      console.error('stack: unexpected failure:', err);
    }
    process.exit(1);
  },
);
