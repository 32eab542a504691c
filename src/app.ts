// The composition root: builds every client from the validated config, wires the modules, and
// returns one handle that stops them in order (HTTP and websockets, consumer, producer, clients).
import { createClient } from 'node-zookeeper-client';
import path from 'node:path';
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
import { defaultFlags, retentionMs } from './flags/definitions';
import type { FlagProvider, FlagWriter } from './flags/types';
import { ZooKeeperFlagWriter, warnWhenUnprotected } from './flags/zookeeperFlagWriter';
import { startZooKeeperFlags } from './flags/zookeeperFlags';
import { MemoryLog } from './log/memoryLog';
import {
  createGatewayMetrics,
  createPartitionMetrics,
  createTrackMetricsPlugin,
  instrumentFeed,
  mountMetrics,
  type GatewayMetrics,
  type PartitionMetrics,
} from './metrics';
import { CoPartitionedAssignment } from './log/coPartitionedAssigner';
import { sharedAdmin } from './log/kafkaAdmin';
import { KafkaEventConsumer, KafkaPublisher } from './log/kafkaLog';
import type { EventConsumer, EventPublisher } from './log/types';
import type { GatewayServices } from './resolvers/context';
import { buildGatewaySchema } from './gatewaySchema';
import { RefreshedLists } from './services/refreshedLists';
import { createAuthenticator } from './server/auth';
import { startHttpGateway, type HttpGateway } from './server/gateway';
import { createSharedTrackLimiter, type TrackLimiter } from './server/security';
import { checkReadiness, PROBE_STATUS_VALUE, type Probe } from './server/health';
import { KafkaDeadLetters, MemoryDeadLetters, type DeadLetterSink } from './log/deadLetters';
import { UnavailableError } from './errors';
import { pause, retryWithBackoff, START_BACKOFF } from './util/backoff';
import { runSteps, type Step } from './util/steps';
import { RANKING } from './recommend';
import { Recommender } from './recommender/recommender';
import { OutOfStock } from './recommender/outOfStock';
import { ReadService } from './services/reads';
import { MemoryStore } from './store/memoryStore';
import { RedisFeed } from './store/redisFeed';
import { failingAsUnavailable, redisClientOptions } from './store/redisErrors';
import { RedisStore } from './store/redisStore';
import { createRedisClient } from './store/redisClient';
import type { CatalogChanges, ClearableStore, RecStore, RecsFeed } from './store/types';
import { RedisCatalogChanges } from './store/redisCatalogChanges';
import { ProductCache } from './store/productCache';
import { LiveHub } from './live/liveHub';
import { LocalSubscribers } from './live/localSubscribers';
import { startLiveLists } from './live/liveLists';
import { createScorer, type ScoreBatch } from './streams/scorer';
import { refusingFeed, refusingPublisher } from './roles/notServedHere';
import { startScoringLoop } from './streams/scoring';
import { ensureTopics } from './streams/topics';
import { DEMO_CATALOG } from './demo/catalog';
import { ExperimentCounter } from './experiments/counter';
import { registerExperimentMetrics } from './experiments/metrics';
import { mountExperimentsPage } from './server/experimentsRoute';
import { MemoryExperimentStore, type ExperimentStore } from './experiments/store';
import { RedisExperimentStore } from './experiments/redisExperimentStore';

export interface Gateway extends HttpGateway {
  mode: Config['mode'];
  services: GatewayServices;
  /** The whole store, for tests and benches that seed or clear it (the modules get their parts). */
  store: RecStore & ClearableStore;
  /** This gateway's Prometheus registry (served at GET /metrics). */
  metrics: Registry;
}

/** The clients of one process; null where its roles (RECSYS_ROLES) do not use the part. */
interface Parts {
  store: RecStore & ClearableStore;
  /** Attribution states and experiment counters (src/experiments). */
  experimentStore: ExperimentStore;
  /** push */
  feed: RecsFeed | null;
  /** Redis channels the feed listens on (the metric), null where the feed is not Redis pub/sub. */
  feedChannels(): number | null;
  /** Out-of-stock notices from whichever gateway wrote the catalogue (push: its sweeps). */
  catalog: CatalogChanges | null;
  /** api */
  publisher: EventPublisher | null;
  /** scorer */
  consumer: EventConsumer | null;
  /** scorer */
  deadLetters: DeadLetterSink | null;
  flags: FlagProvider;
  flagWriter: FlagWriter;
  instances: InstanceRegistry;
  probes: Record<string, Probe>;
  /** Track budgets shared by every gateway (distributed); absent: in this process. */
  trackLimiter?: TrackLimiter;
  /** Resolves true once the log can be consumed (Kafka's topics exist), false if stopped first. */
  logReady: Promise<boolean>;
  /** Ends the background start-up retries at once (the first thing stop() does). */
  abortStart(): void;
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

/** How long start-up waits for Redis before going on without it (it keeps reconnecting). */
const REDIS_START_WAIT_MS = 2_000;

async function distributedParts(
  config: Config,
  logger: Logger,
  metrics: GatewayMetrics,
  partitionMetrics: PartitionMetrics,
  maintenance: Maintenance,
): Promise<Parts> {
  const kafkaConfig = config.kafka!;
  const redisConfig = config.redis!;
  const zkConfig = config.zookeeper!;
  const { roles } = config;
  // A push-only process never touches Kafka: no topics to ensure, no Kafka check in /readyz.
  const usesKafka = roles.api || roles.scorer;
  // Nothing below waits for a dependency to answer: the gateway starts with any of them down,
  // /readyz names what is missing, and each part connects (and reconnects) in the background.
  const starting = new AbortController();
  // ZooKeeper connects in the background; the flags wait at most ~2 s for it, then serve defaults.
  const zk = new ZooKeeperSession({
    clientFactory: createClient,
    connect: zkConfig.connect,
    sessionTimeoutMs: zkConfig.sessionTimeoutMs,
    auth: zkConfig.auth,
    logger: logger.child({ name: 'zookeeper' }),
  }).start();
  if (zkConfig.auth) warnWhenUnprotected({ session: zk, root: zkConfig.root, auth: zkConfig.auth, logger: logger.child({ name: 'flags' }) });
  let flagsProvider: FlagProvider | null = null;
  const flagsReady = startZooKeeperFlags({ session: zk, root: zkConfig.root, logger: logger.child({ name: 'flags' }) });
  const kafkaClient = (requestTimeout: number) =>
    new Kafka({
      clientId: kafkaConfig.clientId,
      brokers: kafkaConfig.brokers,
      connectionTimeout: 3_000,
      requestTimeout,
      logLevel: KafkaLogLevel.WARN,
      logCreator: kafkaLogger(logger),
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 3_000 },
    });
  const kafka = kafkaClient(10_000);
  // The one admin client: topic set-up, the consumer's partition check and /readyz.
  const admin = sharedAdmin(kafka.admin());
  // The producer's own client: one produce attempt may not outlast the produce timeout (a stopped
  // broker would otherwise hold the queue for the 10 s request timeout).
  const producerKafka = kafkaClient(Math.max(1_000, kafkaConfig.produceTimeoutMs));
  // Both clients fail fast while Redis is down (reads answer UNAVAILABLE) and reconnect by
  // themselves (ioredis's retryStrategy, the first connection too). Start-up waits a moment for
  // them, so a gateway on a healthy stack answers its first read, and never longer.
  // REDIS_CLUSTER_NODES: both are Cluster clients, the subscriber with one sharded-subscriber
  // connection per primary (src/store/redisClient.ts).
  const redis = createRedisClient(redisConfig, { ...redisClientOptions(redisConfig), enableAutoPipelining: true });
  // The subscriber waits longer: a burst of new subscriptions queues many SUBSCRIBEs on one
  // connection, and a subscription refused for a slow moment would have to be reopened by its client.
  // Only the push role subscribes (the feed and the catalogue channel).
  const subscriber = roles.push
    ? createRedisClient(
        redisConfig,
        {
          ...redisClientOptions(redisConfig),
          commandTimeout: Math.max(10_000, 5 * redisConfig.commandTimeoutMs),
          autoResubscribe: false, // RedisFeed re-subscribes
        },
        { subscriber: true },
      )
    : null;
  const redisConnected = (subscriber ? [redis, subscriber] : [redis]).map((client) => {
    client.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
    return client.connect().catch(() => undefined);
  });
  await settlesWithin(
    Promise.all(redisConnected).then(() => true),
    REDIS_START_WAIT_MS,
  );

  // The topics first (retried with backoff while Kafka is down); the consumer starts after them,
  // so that it never subscribes to a topic the broker would auto-create with its own settings.
  const kafkaState = { topicsReady: false, lastError: null as string | null };
  const logReady = !usesKafka
    ? Promise.resolve(false)
    : retryWithBackoff(
        async () => {
          const warnings = await ensureTopics(admin, kafkaConfig.topicPrefix, kafkaConfig.partitions, { retentionMs: kafkaConfig.retentionMs });
          for (const warning of warnings) logger.warn(warning);
        },
        {
          ...START_BACKOFF,
          signal: starting.signal,
          onFailure: (err, attempt, retryInMs) => {
            kafkaState.lastError = err instanceof Error ? err.message : String(err);
            logger.warn({ err: kafkaState.lastError, attempt, retryInMs }, 'kafka: could not ensure the topics; retrying');
          },
        },
      ).then(() => {
        kafkaState.topicsReady = !starting.signal.aborted;
        if (kafkaState.topicsReady) logger.info('kafka: topics ready');
        return kafkaState.topicsReady;
      });
  // One cluster description at a time, however often /readyz is asked while Kafka hangs.
  let describing: Promise<number> | null = null;
  const describeCluster = () => (describing ??= admin.use(async (a) => (await a.describeCluster()).brokers.length).finally(() => (describing = null)));

  const store = failingAsUnavailable(
    new RedisStore(redis, redisConfig.keyPrefix, {
      neighbourItems: RANKING.neighbourhood.itemsPerNeighbour,
      // The flags are read at each write (they arrive below, before anything is scored).
      retentionMs: () => retentionMs(flagsProvider ? flagsProvider.current() : defaultFlags()),
    }),
  );
  const feed = subscriber && new RedisFeed(subscriber, redisConfig.keyPrefix, { onError: (err) => logger.warn({ err }, 'recommendation feed') });
  const catalog = subscriber && new RedisCatalogChanges(subscriber, redisConfig.keyPrefix, (err) => logger.warn({ err }, 'catalogue changes'));
  await catalog?.listen();
  const publisher = !roles.api
    ? null
    : new KafkaPublisher({
        kafka: producerKafka,
        topicPrefix: kafkaConfig.topicPrefix,
        timeoutMs: kafkaConfig.produceTimeoutMs,
        onBatch: (size, ms) => {
          metrics.produceBatchSize.observe(size);
          metrics.produceBatchDuration.observe(ms / 1000);
        },
        onEvent: (ms, acked) => metrics.produceLatency.observe({ outcome: acked ? 'acked' : 'failed' }, ms / 1000),
      });
  const consumerLogger = logger.child({ name: 'consumer' });
  const assignment = new CoPartitionedAssignment();
  const consumer = !roles.scorer
    ? null
    : new KafkaEventConsumer({
        kafka,
        admin,
        groupId: kafkaConfig.groupId,
        topicPrefix: kafkaConfig.topicPrefix,
        sessionTimeoutMs: kafkaConfig.sessionTimeoutMs,
        onCrash: (err, restart) => {
          metrics.consumerRestarts.inc({ by: restart ? 'kafkajs' : 'gateway' });
          consumerLogger.error({ err, restartedBy: restart ? 'kafkajs' : 'the gateway, with backoff' }, 'kafka consumer crashed; restarting');
        },
        onStatus: (s) => consumerLogger.info(s, `kafka consumer ${s.state}`),
        onWarning: (message) => consumerLogger.warn(message),
        onBatch: ({ topic, partition, lag }) => metrics.consumerLag.set({ topic, partition: String(partition) }, lag),
        // Partition N of the three topics to one member (round-robin only while an older gateway in the group lacks it).
        partitionAssigners: [assignment.assigner, PartitionAssigners.roundRobin],
        onGroupJoin: (memberAssignment) => {
          assignment.joined(memberAssignment);
          partitionMetrics.rebalances.inc();
          partitionMetrics.partitionsOwned.set(assignment.partitions.length);
        },
      });
  const flags = await flagsReady;
  flagsProvider = flags;
  return {
    store,
    experimentStore: failingAsUnavailable(new RedisExperimentStore(redis, redisConfig.keyPrefix)),
    feed,
    feedChannels: () => feed?.channelCount ?? null,
    catalog,
    trackLimiter: createSharedTrackLimiter({ redis, keyPrefix: redisConfig.keyPrefix, ...config.security.trackRate }),
    // Until the topics exist, a write would let the broker auto-create them with its own settings:
    // a mutation in that window waits for them, at most the produce timeout.
    publisher: publisher && {
      publish: async (event) => {
        if (!kafkaState.topicsReady && !(await settlesWithin(logReady, kafkaConfig.produceTimeoutMs))) {
          throw new UnavailableError('kafka', `not reached since start (${kafkaState.lastError ?? 'connecting'})`);
        }
        return publisher.publish(event);
      },
      stop: () => publisher.stop(),
    },
    consumer,
    deadLetters: roles.scorer ? new KafkaDeadLetters(kafka, kafkaConfig.topicPrefix, (letter) => metrics.deadLetters.inc({ kind: letter.kind })) : null,
    flags,
    flagWriter: new ZooKeeperFlagWriter({ session: zk, root: zkConfig.root, auth: zkConfig.auth }),
    // Only scorers stand for leader: the maintenance is theirs (the others are listed all the same).
    instances: new ZooKeeperInstances({
      session: zk,
      root: zkConfig.root,
      logger: logger.child({ name: 'coordination' }),
      maintenance,
      candidate: roles.scorer,
    }),
    // /readyz: the checks of the parts this process's roles use.
    probes: onlyDefined({
      // Flags stale after a loss is degraded (the gateway serves the last known values); never
      // reached since start is down: the defaults are serving, not the operator's flags (a kill
      // switch set in ZooKeeper would be ignored).
      zookeeper: async () => {
        if (zk.connected) return { status: 'ok', detail: { sessionId: zk.sessionId } };
        const { source, staleSince } = flags.status();
        return source === 'ZOOKEEPER'
          ? { status: 'degraded', detail: { reason: 'unreachable: serving the last known flags', staleSince } }
          : { status: 'down', detail: { reason: 'not reached since start: serving the default flags', since: staleSince } };
      },
      kafka: usesKafka
        ? async () => {
            if (!kafkaState.topicsReady) return { status: 'down', detail: { reason: 'not reached yet (topics not ensured)', lastError: kafkaState.lastError } };
            const brokers = await describeCluster();
            return brokers > 0 ? { status: 'ok', detail: { brokers } } : { status: 'down', detail: { reason: 'no broker in the cluster' } };
          }
        : undefined,
      // Brokers that answer metadata can still refuse every write (fewer in-sync replicas than
      // min.insync.replicas): the producer's own recent results say whether events get stored.
      producer: publisher ? async () => publisher.health() : undefined,
      redis: async () => {
        const states = { commands: redis.status, ...(subscriber ? { subscriber: subscriber.status } : {}) };
        if (redis.status !== 'ready' || (subscriber && subscriber.status !== 'ready')) return { status: 'down', detail: states };
        return { status: (await redis.ping()) === 'PONG' ? 'ok' : 'down' };
      },
    }),
    logReady,
    abortStart: () => starting.abort(),
    async close() {
      await Promise.allSettled([admin.disconnect(), redis.quit(), subscriber?.quit(), zk.close()]);
    },
  };
}

/** The entries that are there (a role's probe is undefined where the process does not run it). */
function onlyDefined(probes: Record<string, Probe | undefined>): Record<string, Probe> {
  return Object.fromEntries(Object.entries(probes).filter((entry): entry is [string, Probe] => entry[1] !== undefined));
}

/** True if `ready` resolves true within `ms`. */
async function settlesWithin(ready: Promise<boolean>, ms: number): Promise<boolean> {
  const settled = new AbortController();
  try {
    return await Promise.race([ready, pause(ms, settled.signal).then(() => false)]);
  } finally {
    settled.abort(); // no timer left behind
  }
}

function embeddedParts(config: Config, logger: Logger, metrics: GatewayMetrics, maintenance: Maintenance): Parts {
  const flags = new StaticFlags(config.flagsFile);
  const store = new MemoryStore({ retentionMs: () => retentionMs(flags.current()) });
  const log = new MemoryLog(3, 500, (err) => logger.error({ err }, 'embedded scoring failed; the batch will be retried'));
  return {
    store,
    experimentStore: new MemoryExperimentStore(),
    feed: store,
    feedChannels: () => null,
    catalog: store,
    publisher: log,
    consumer: log,
    flags,
    flagWriter: flags,
    instances: new LocalInstances({ logger: logger.child({ name: 'coordination' }), maintenance }),
    deadLetters: new MemoryDeadLetters((letter) => metrics.deadLetters.inc({ kind: letter.kind })),
    probes: { embedded: async () => ({ ok: true }) },
    logReady: Promise.resolve(true),
    abortStart() {},
    async close() {},
  };
}

/** RECSYS_TEST_SCORING_DELAY_MS: scoring made slow on purpose (the fault suite's slow-consumer case). */
function delayed(score: ScoreBatch, ms: number): ScoreBatch {
  return async (source, records) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return score(source, records);
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
      feedChannels: () => parts.feedChannels(),
      flags: () => parts.flags.status(),
      readiness: async () => (readiness ? readiness() : {}),
    },
  });
  // The leader's periodic job (in embedded mode this process leads); it reads `parts` when it runs.
  const maintenance: Maintenance = () =>
    createLeaderMaintenance({ instances: parts.instances, flags: parts.flags, store: parts.store, logger: logger.child({ name: 'maintenance' }) })();
  let readiness: (() => Promise<Record<string, number>>) | null = null;
  const partitionMetrics = createPartitionMetrics(registry);
  const parts =
    config.mode === 'distributed'
      ? await distributedParts(config, logger, metrics, partitionMetrics, maintenance)
      : embeddedParts(config, logger, metrics, maintenance);
  // Embedded mode starts with the demo catalogue (src/demo/catalog.ts), so the storefront page shows names at once.
  if (config.mode === 'embedded') await parts.store.upsertProducts(DEMO_CATALOG.map((p) => ({ ...p })));
  const flags = () => parts.flags.current();
  // One out-of-stock cache for the lists and the public reads; this gateway's catalogue writes drop it.
  const outOfStock = new OutOfStock(parts.store);
  const recommender = new Recommender({ store: parts.store, flags, outOfStock });
  const { roles } = config;
  const subscribers = new LocalSubscribers();
  const experiments = new ExperimentCounter({
    store: parts.experimentStore,
    flags,
    products: (ids) => parts.store.getProducts(ids),
    bucketMs: config.experimentBucketMs,
    onError: (err) => logger.warn({ err }, 'could not count delivered lists for the experiment report'),
  });
  registerExperimentMetrics(
    registry,
    () => experiments,
    (err) => logger.warn({ err }, 'experiment counters left out of a /metrics scrape'),
  );
  // Where this process hears the catalogue's notices (push), pushes and reads take products from memory.
  const productCache = parts.catalog && config.productCacheEntries > 0 ? new ProductCache(parts.store, parts.catalog, config.productCacheEntries) : null;
  const services: GatewayServices = {
    publisher: parts.publisher ?? refusingPublisher(roles),
    store: outOfStock.writingThrough(parts.store),
    products: productCache ?? parts.store,
    live: new LiveHub({
      feed: parts.feed ? subscribers.track(instrumentFeed(parts.feed, metrics)) : refusingFeed(roles),
      recommender,
      coalesceMs: () => flags()['push.coalesceMs'],
      onError: (err) => logger.warn({ err }, 'could not produce a subscribed list'),
    }),
    recommender,
    refreshed: new RefreshedLists({
      store: parts.store,
      recommender,
      timeoutMs: config.refreshedTimeoutMs,
      onError: (err) => logger.warn({ err }, 'could not read a shopper for a refreshed list; answered without it'),
    }),
    reads: new ReadService(parts.store, outOfStock),
    flags: parts.flags,
    flagWriter: parts.flagWriter,
    instances: parts.instances,
    experiments,
  };
  const streamsLogger = logger.child({ name: 'streams' });
  // push: flag changes and products going out of stock re-push this process's subscribed lists.
  const liveLists =
    parts.catalog &&
    startLiveLists({
      store: parts.store,
      recommender,
      flags,
      subscribers,
      catalog: parts.catalog,
      onSweep: (sweep) => streamsLogger.info(sweep, 'refreshing subscribed lists'),
      onError: (userId, err) => streamsLogger.warn({ userId, err }, 'could not refresh a subscribed list; its next read will'),
    });
  // scorer: the consumer, and the refresh of every list somebody is subscribed to on any process
  // (the refreshed list reaches its subscribers through the feed, on whichever push process holds them).
  const scoring = parts.consumer && parts.deadLetters ? startScoring(parts.consumer, parts.deadLetters) : null;
  function startScoring(consumer: EventConsumer, deadLetters: DeadLetterSink) {
    const scorer = createScorer({
      store: parts.store,
      recommender,
      flags,
      deadLetters,
      onRefreshed: (r) => r.changed && metrics.listsChanged.inc(),
      // The list stays marked stale: its next read recomputes it.
      onRefreshError: (userId, err) => streamsLogger.warn({ userId, err }, 'could not refresh a subscribed list; its next read will'),
      onStaleWrites: (count) => partitionMetrics.staleWritesRefused.inc(count),
      attribution: experiments,
    });
    // The loop starts once the log is there; the API serves meanwhile (and while the group forms).
    const loop = parts.logReady.then((ready) =>
      ready
        ? startScoringLoop({
            consumer,
            scoreBatch: config.scoringDelayMs > 0 ? delayed(scorer.scoreBatch, config.scoringDelayMs) : scorer.scoreBatch,
            logger: streamsLogger,
            deadLetters,
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
          })
        : null,
    );
    loop.catch((err) => streamsLogger.error({ err }, 'the scoring loop could not start'));
    return {
      consumer,
      refreshes: scorer.refreshes,
      stop: async () => (await loop)?.stop() ?? consumer.stop(),
      // Scoring is shared by the group: while this consumer (re)joins, the gateway still serves.
      probe: async () => {
        const status = consumer.status();
        return { status: status.state === 'running' ? ('ok' as const) : ('degraded' as const), detail: status };
      },
    };
  }
  const probes: Record<string, Probe> = {
    ...parts.probes,
    flags: async () => {
      const status = parts.flags.status();
      return { status: status.connected ? 'ok' : 'degraded', detail: status };
    },
    ...(scoring ? { consumer: scoring.probe } : {}),
  };
  const http = await startHttpGateway({
    schema: buildGatewaySchema(),
    services,
    authenticate: createAuthenticator(config.auth),
    logger,
    production: config.production,
    security: config.security,
    trackLimiter: parts.trackLimiter,
    host: config.host,
    port: config.port,
    probes,
    drainMs: SHUTDOWN_LIMITS.httpMs,
    webDir: options.webDir ?? path.resolve(__dirname, '../web'),
    routes: (app) => {
      mountMetrics(app, registry, { token: config.security.metricsToken, open: !config.production });
      mountExperimentsPage(app, experiments, createAuthenticator(config.auth));
    },
    plugins: [createTrackMetricsPlugin(metrics)],
    roles,
  });
  readiness = async () => {
    const { checks } = await checkReadiness(probes);
    return Object.fromEntries(Object.entries(checks).map(([name, c]) => [name, PROBE_STATUS_VALUE[c.status]]));
  };
  await parts.instances.start(selfInfo({ id: config.instanceId, listenHost: config.host, port: http.port, version: packageVersion() }));

  const shutdown: Step[][] = [
    [{ name: 'http', limitMs: SHUTDOWN_LIMITS.httpMs + 500, run: () => http.stop() }],
    [{ name: 'consumer', limitMs: SHUTDOWN_LIMITS.consumerMs, run: async () => scoring?.stop() }],
    [
      // Refreshes already handed over finish before the store's connections close (bounded: a list
      // left unrefreshed is still marked stale and is recomputed at its next read).
      { name: 'refreshes', limitMs: SHUTDOWN_LIMITS.drainMs, run: async () => scoring?.refreshes.idle() },
      { name: 'live lists', limitMs: SHUTDOWN_LIMITS.drainMs, run: async () => liveLists?.stop() },
      { name: 'publisher', limitMs: SHUTDOWN_LIMITS.drainMs, run: async () => parts.publisher?.stop() },
      { name: 'dead letters', limitMs: SHUTDOWN_LIMITS.drainMs, run: async () => parts.deadLetters?.stop() },
      { name: 'experiment counts', limitMs: SHUTDOWN_LIMITS.drainMs, run: () => experiments.flush() },
    ],
    [
      { name: 'instances', limitMs: SHUTDOWN_LIMITS.coordinationMs, run: () => parts.instances.stop() },
      { name: 'flags', limitMs: SHUTDOWN_LIMITS.coordinationMs, run: () => parts.flags.stop() },
    ],
    [{ name: 'clients', limitMs: SHUTDOWN_LIMITS.clientsMs, run: () => parts.close() }],
  ];
  return {
    ...http,
    mode: config.mode,
    services,
    store: parts.store,
    metrics: registry,
    async stop() {
      parts.abortStart();
      await runSteps(shutdown, logger.child({ name: 'shutdown' }));
    },
  };
}

/** Each stop stage's limit (ms); a stage's steps run at once. */
export const SHUTDOWN_LIMITS = { httpMs: 2_500, consumerMs: 3_000, drainMs: 3_000, coordinationMs: 1_000, clientsMs: 1_000 };

/** The most stop() can take (11 s): inside SHUTDOWN_DEADLINE_MS, after which `npm start` exits anyway. */
export const SHUTDOWN_BUDGET_MS =
  SHUTDOWN_LIMITS.httpMs + 500 + SHUTDOWN_LIMITS.consumerMs + SHUTDOWN_LIMITS.drainMs + SHUTDOWN_LIMITS.coordinationMs + SHUTDOWN_LIMITS.clientsMs;
export const SHUTDOWN_DEADLINE_MS = 15_000;
