// `npm run replay -- [--from earliest|<ISO time>] [--to-prefix <prefix>]`: rebuilds a Redis prefix
// from Kafka with the gateway's scorer (src/replay/). See --help.
import { createClient } from 'node-zookeeper-client';
import { Kafka, logLevel } from 'kafkajs';
import { loadStackConfig } from '../src/config';
import { ZooKeeperSession } from '../src/coordination/zkSession';
import { Progress } from '../src/eval/report/progress';
import { startZooKeeperFlags } from '../src/flags/zookeeperFlags';
import { createLogger } from '../src/logger';
import { parseReplayArgs, REPLAY_USAGE, ReplayUsageError } from '../src/replay/args';
import { runReplay } from '../src/replay/replay';
import { createRedisClient } from '../src/store/redisClient';

const EXIT = { ok: 0, usage: 2, unavailable: 3 } as const;

async function main(): Promise<number> {
  const config = loadStackConfig();
  let args;
  try {
    args = parseReplayArgs(process.argv.slice(2), { keyPrefix: config.redis!.keyPrefix, groupId: config.kafka!.groupId });
  } catch (err) {
    if (!(err instanceof ReplayUsageError)) throw err;
    process.stderr.write(`replay: ${err.message}\n\n${REPLAY_USAGE}\n`);
    return EXIT.usage;
  }
  if (args.help) {
    process.stdout.write(`${REPLAY_USAGE}\n`);
    return EXIT.ok;
  }
  const logger = createLogger(process.env.LOG_LEVEL || 'warn', 'replay');
  const kafka = new Kafka({
    clientId: 'recsys-replay',
    brokers: config.kafka!.brokers,
    connectionTimeout: 3_000,
    logLevel: logLevel.ERROR,
    retry: { retries: 5 },
  });
  const redis = createRedisClient(config.redis!, { lazyConnect: true, enableAutoPipelining: true, maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined); // reported by the failing command
  // The weights and half-life the gateways score with (ZooKeeper flags; defaults when none are set).
  const zk = new ZooKeeperSession({
    clientFactory: createClient,
    connect: config.zookeeper!.connect,
    sessionTimeoutMs: config.zookeeper!.sessionTimeoutMs,
    logger: logger.child({ name: 'zookeeper' }),
  }).start();
  const bar: { progress: Progress | null } = { progress: null };
  try {
    await redis.connect();
    const flags = await startZooKeeperFlags({ session: zk, root: config.zookeeper!.root, logger: logger.child({ name: 'flags' }) });
    if (!flags.status().connected) throw new Error(`ZooKeeper at ${config.zookeeper!.connect} unreachable: the replay would score with default flags`);
    try {
      const result = await runReplay({
        kafka,
        redis,
        topicPrefix: config.kafka!.topicPrefix,
        from: args.from,
        toPrefix: args.toPrefix,
        sourcePrefix: config.redis!.keyPrefix,
        groupId: args.groupId,
        flags: () => flags.current(),
        maxRate: args.maxRate,
        onStart: ({ total, resumed }) => {
          process.stderr.write(
            `replay: ${resumed ? 'resuming' : 'starting'} group ${args.groupId} into prefix "${args.toPrefix}": ${total} events to the topics' current ends\n`,
          );
          bar.progress = new Progress(total, process.stderr);
          bar.progress.setLabel(args.toPrefix);
        },
        onProgress: (n) => bar.progress?.tick(n),
      });
      bar.progress?.finish();
      process.stdout.write(
        `replay: ${result.events} events in ${(result.ms / 1000).toFixed(1)} s (${result.learned} learned, ${result.duplicates} already there, ${result.invalid} not events)\n` +
          `replay: to go on scoring into it: KAFKA_GROUP_ID=${args.groupId} REDIS_KEY_PREFIX=${args.toPrefix}\n`,
      );
      return EXIT.ok;
    } finally {
      await flags.stop();
    }
  } catch (err) {
    process.stderr.write(`\nreplay: ${(err as Error).message}\n`);
    return EXIT.unavailable;
  } finally {
    await Promise.allSettled([redis.quit(), zk.close()]);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`replay: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  },
);
