// The composition root: builds every client from the validated config, wires the modules, and
// returns one handle that stops them in order (HTTP and websockets, consumer, producer, clients).
import path from 'node:path';
import Redis from 'ioredis';
import { Kafka, PartitionAssigners, logLevel as KafkaLogLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import type { Config } from './config';
import { LocalInstances } from './coordination/localInstances';
import { createLeaderMaintenance } from './coordination/maintenance';
import { packageVersion, selfInfo } from './coordination/self';
import type { InstanceRegistry, Maintenance } from './coordination/types';
import { ZooKeeperInstances } from './coordination/zookeeperInstances';
import { ZooKeeperSession } from './coordination/zkSession';
import type { Logger } from './logger';
import { StaticFlags } from './flags/staticFlags';
import type { FlagProvider } from './flags/types';
import { startZooKeeperFlags } from './flags/zookeeperFlags';
import { MemoryLog } from './log/memoryLog';
import { createGatewayMetrics, createPartitionMetrics, createTrackMetricsPlugin, instrumentFeed, mountMetrics, type GatewayMetrics, type PartitionMetrics } from './metrics';
import { CoPartitionedAssignment } from './log/coPartitionedAssigner';
import { KafkaEventConsumer, KafkaPublisher } from './log/kafkaLog';
import type { EventConsumer, EventPublisher } from './log/types';
import type { GatewayServices } from './resolvers/context';
import { buildGatewaySchema } from './schema/build';
import { createAuthenticator } from './server/auth';
import { startHttpGateway, type HttpGateway } from './server/gateway';
import type { Probe } from './server/health';
import { RANKING } from './recommend';
import { Recommender } from './services/recommender';
import { ReadService } from './services/reads';
import { MemoryStore } from './store/memoryStore';
import { RedisFeed } from './store/redisFeed';
import { failingAsUnavailable, redisClientOptions } from './store/redisErrors';
import { RedisStore } from './store/redisStore';
import type { RecStore, RecsFeed } from './store/types';
import { createScorer } from './streams/scorer';
import { startScoringLoop } from './streams/scoring';
import { ensureTopics } from './streams/topics';
import { DEMO_CATALOG } from './demo/catalog';

export interface Gateway extends HttpGateway {
  mode: Config['mode'];
  services: GatewayServices;
  /** This gateway's Prometheus registry (served at GET /metrics). */
  metrics: Registry;
}

interface Parts {
  store: RecStore;
  feed: RecsFeed;
  publisher: EventPublisher;
  consumer: EventConsumer;
  flags: FlagProvider;
  instances: InstanceRegistry;
  probes: Record<string, Probe>;
  /** Closes the clients, after everything that uses them has stopped. */
  close(): Promise<void>;
}

function kafkaLogger(logger: Logger) {
  const log = logger.child({ name: 'kafkajs' });
  return () =>
    ({ level, log: entry }: { level: number; log: { message: string } & Record<string, unknown> }) => {
      const { message, ...extra } = entry;
      if (level <= KafkaLogLevel.ERROR) log.error(extra, message);
      else if (level === KafkaLogLevel.WARN) log.warn(extra, message);
      else log.debug(extra, message);
    };
}

async function distributedParts(config: Config, logger: Logger, metrics: GatewayMetrics, partitionMetrics: PartitionMetrics, maintenance: Maintenance): Promise<Parts> {
  const kafkaConfig = config.kafka!;
  const redisConfig = config.redis!;
  const zkConfig = config.zookeeper!;
  // ZooKeeper connects in the background; the flags wait at most ~2 s for it, then serve defaults.
  const zk = new ZooKeeperSession({ connect: zkConfig.connect, sessionTimeoutMs: zkConfig.sessionTimeoutMs, logger: logger.child({ name: 'zookeeper' }) }).start();
  const flagsReady = startZooKeeperFlags({ session: zk, root: zkConfig.root, logger: logger.child({ name: 'flags' }) });
  const kafka = new Kafka({
    clientId: kafkaConfig.clientId,
    brokers: kafkaConfig.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    logLevel: KafkaLogLevel.WARN,
    logCreator: kafkaLogger(logger),
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 3_000 },
  });
  // Both clients fail fast while Redis is down (reads answer UNAVAILABLE) and reconnect by themselves.
  const redis = new Redis(redisConfig.url, { ...redisClientOptions(redisConfig), enableAutoPipelining: true });
  const subscriber = new Redis(redisConfig.url, { ...redisClientOptions(redisConfig), autoResubscribe: false }); // RedisFeed re-subscribes
  for (const client of [redis, subscriber]) client.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  await Promise.all([redis.connect(), subscriber.connect()]);
  for (const warning of await ensureTopics(kafka, kafkaConfig.topicPrefix, kafkaConfig.partitions, { retentionMs: kafkaConfig.retentionMs })) logger.warn(warning);

  const store = failingAsUnavailable(new RedisStore(redis, redisConfig.keyPrefix, { neighbourItems: RANKING.neighbourhood.itemsPerNeighbour }));
  const feed = new RedisFeed(subscriber, redisConfig.keyPrefix, { onError: (err) => logger.warn({ err }, 'recommendation feed') });
  const publisher = new KafkaPublisher({
    kafka,
    topicPrefix: kafkaConfig.topicPrefix,
    timeoutMs: kafkaConfig.produceTimeoutMs,
    onBatch: (size, ms) => {
      metrics.produceBatchSize.observe(size);
      metrics.produceBatchDuration.observe(ms / 1000);
    },
    onEvent: (ms, acked) => metrics.produceLatency.observe({ outcome: acked ? 'acked' : 'failed' }, ms / 1000),
  });
  const assignment = new CoPartitionedAssignment();
  const consumer = new KafkaEventConsumer({
    kafka,
    groupId: kafkaConfig.groupId,
    topicPrefix: kafkaConfig.topicPrefix,
    onCrash: (err) => logger.error({ err }, 'kafka consumer crashed'),
    onWarning: (message) => logger.warn(message),
    onBatch: ({ topic, partition, lag }) => metrics.consumerLag.set({ topic, partition: String(partition) }, lag),
    // Partition N of the three topics to one member (round-robin only while an older gateway in the group lacks it).
    partitionAssigners: [assignment.assigner, PartitionAssigners.roundRobin],
  });
  consumer.consumer.on(consumer.consumer.events.GROUP_JOIN, ({ payload }) => {
    assignment.joined(payload.memberAssignment);
    partitionMetrics.rebalances.inc();
    partitionMetrics.partitionsOwned.set(assignment.partitions.length);
  });
  const admin = kafka.admin();
  await admin.connect();
  return {
    store,
    feed,
    publisher,
    consumer,
    flags: await flagsReady,
    instances: new ZooKeeperInstances({ session: zk, root: zkConfig.root, logger: logger.child({ name: 'coordination' }), maintenance }),
    probes: {
      zookeeper: async () => ({ ok: zk.connected, detail: { sessionId: zk.sessionId } }),
      kafka: async () => ({ ok: (await admin.describeCluster()).brokers.length > 0 }),
      redis: async () => ({ ok: (await redis.ping()) === 'PONG' }),
    },
    async close() {
      await admin.disconnect();
      await Promise.allSettled([redis.quit(), subscriber.quit(), zk.close()]);
    },
  };
}

function embeddedParts(config: Config, logger: Logger, maintenance: Maintenance): Parts {
  const store = new MemoryStore();
  const log = new MemoryLog(3, 500, (err) => logger.error({ err }, 'embedded scoring failed; the batch will be retried'));
  return {
    store,
    feed: store,
    publisher: log,
    consumer: log,
    flags: new StaticFlags(config.flagsFile),
    instances: new LocalInstances({ logger: logger.child({ name: 'coordination' }), maintenance }),
    probes: { embedded: async () => ({ ok: true }) },
    async close() {},
  };
}

export async function startGateway(
  config: Config,
  logger: Logger,
  options: { webDir?: string; /** A registry to fill (default: a new one). */ metrics?: Registry } = {},
): Promise<Gateway> {
  // One registry per gateway; the sources are read at scrape time, once `parts` exists.
  const registry = options.metrics ?? new Registry();
  const metrics = createGatewayMetrics({
    registry,
    sources: {
      feedChannels: () => ('channelCount' in parts.feed ? (parts.feed as RedisFeed).channelCount : null),
      flags: () => parts.flags.status(),
    },
  });
  // The leader's periodic job (in embedded mode this process leads); it reads `parts` when it runs.
  const maintenance: Maintenance = () =>
    createLeaderMaintenance({ instances: parts.instances, flags: parts.flags, logger: logger.child({ name: 'maintenance' }) })();
  const partitionMetrics = createPartitionMetrics(registry);
  const parts =
    config.mode === 'distributed' ? await distributedParts(config, logger, metrics, partitionMetrics, maintenance) : embeddedParts(config, logger, maintenance);
  // Embedded mode starts with the demo catalogue (src/demo/catalog.ts), so the storefront page shows names at once.
  if (config.mode === 'embedded') await parts.store.upsertProducts(DEMO_CATALOG.map((p) => ({ ...p })));
  const flags = () => parts.flags.current();
  const recommender = new Recommender({ store: parts.store, flags });
  const services: GatewayServices = {
    publisher: parts.publisher,
    store: parts.store,
    feed: instrumentFeed(parts.feed, metrics),
    recommender,
    reads: new ReadService(parts.store),
    flags: parts.flags,
    instances: parts.instances,
  };
  const streamsLogger = logger.child({ name: 'streams' });
  const scorer = createScorer({
    store: parts.store,
    recommender,
    flags,
    onRefreshed: (r) => r.changed && metrics.listsChanged.inc(),
    // The list stays marked stale: its next read recomputes it.
    onRefreshError: (userId, err) => streamsLogger.warn({ userId, err }, 'could not refresh a subscribed list; its next read will'),
    onStaleWrites: (count) => partitionMetrics.staleWritesRefused.inc(count),
  });
  const scoring = await startScoringLoop({
    consumer: parts.consumer,
    scoreBatch: scorer.scoreBatch,
    logger: streamsLogger,
    onBatch: (source, r, ms, invalid) => {
      metrics.scoringBatchSize.observe(r.learned + r.duplicates + invalid);
      metrics.scoringBatchDuration.observe(ms / 1000);
      metrics.scoredEvents.inc({ result: 'learned' }, r.learned);
      metrics.scoredEvents.inc({ result: 'duplicate' }, r.duplicates);
      metrics.scoredEvents.inc({ result: 'invalid' }, invalid);
      metrics.listsRefreshed.inc(r.listsRefreshed);
      metrics.listsDeferred.inc(r.listsDeferred);
      streamsLogger.debug({ source, ...r, ms }, 'scored a batch');
    },
  });
  const http = await startHttpGateway({
    schema: buildGatewaySchema(),
    services,
    authenticate: createAuthenticator(config.auth.jwtSecret),
    logger,
    production: config.production,
    security: config.security,
    host: config.host,
    port: config.port,
    probes: { ...parts.probes, flags: async () => ({ ok: true, detail: parts.flags.status() }) },
    webDir: options.webDir ?? path.resolve(__dirname, '../web'),
    routes: (app) => mountMetrics(app, registry),
    plugins: [createTrackMetricsPlugin(metrics)],
  });
  await parts.instances.start(selfInfo({ id: config.instanceId, listenHost: config.host, port: http.port, version: packageVersion() }));

  return {
    ...http,
    mode: config.mode,
    services,
    metrics: registry,
    async stop() {
      await http.stop();
      await scoring.stop();
      // Refreshes already handed over finish before the store's connections close (bounded: a list
      // left unrefreshed is still marked stale and is recomputed at its next read).
      await Promise.race([scorer.refreshes.idle(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      await parts.publisher.stop();
      await parts.instances.stop();
      await parts.flags.stop();
      await parts.close();
    },
  };
}

