// The gateway's Prometheus instruments, all on one registry that the composition root creates
// and passes down (no default registry, no module-level singletons). Names follow Prometheus
// conventions: base units (seconds), `_total` for counters, `recsys_` as the namespace.
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Read at scrape time: the parts whose state lives elsewhere (feed, flags). */
export interface MetricsSources {
  /** Redis channels the feed holds right now (null where the feed cannot tell). */
  feedChannels?: () => number | null;
  flags?: () => { connected: boolean; staleSince: string | null; source: string };
  /** The /readyz probes' states (0 ok, 1 degraded, 2 down), by check. */
  readiness?: () => Promise<Record<string, number>>;
}

export interface GatewayMetricsOptions {
  registry: Registry;
  sources?: MetricsSources;
  /** Process metrics (CPU, memory, event loop, GC) from prom-client; on by default. */
  processMetrics?: boolean;
}

// Latency buckets from 0.5 ms to 5 s: local requests sit in the low milliseconds, a stalled
// dependency shows up at the top.
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

export function createGatewayMetrics({ registry, sources = {}, processMetrics = true }: GatewayMetricsOptions) {
  const registers = [registry];
  if (processMetrics) collectDefaultMetrics({ register: registry, prefix: 'recsys_' });

  const metrics = {
    registry,
    eventsAccepted: new Counter({
      name: 'recsys_events_accepted_total',
      help: 'Track mutations answered accepted: true (Kafka acknowledged the event), by event type',
      labelNames: ['type'] as const,
      registers,
    }),
    eventsRefused: new Counter({
      name: 'recsys_events_refused_total',
      help: 'Track mutations refused, by event type and error code (BAD_USER_INPUT, RATE_LIMITED, UNAVAILABLE, ...)',
      labelNames: ['type', 'code'] as const,
      registers,
    }),
    produceLatency: new Histogram({
      name: 'recsys_produce_latency_seconds',
      help: 'From publish() to the log acknowledging the event (queueing plus the produce request), by outcome',
      labelNames: ['outcome'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    produceBatchSize: new Histogram({
      name: 'recsys_produce_batch_size',
      help: 'Events per produce request (natural batching: what queued while the previous request was in flight)',
      buckets: SIZE_BUCKETS,
      registers,
    }),
    produceBatchDuration: new Histogram({
      name: 'recsys_produce_batch_duration_seconds',
      help: 'Duration of one acknowledged produce request',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    consumerLag: new Gauge({
      name: 'recsys_consumer_lag',
      help: "Messages behind the partition's high watermark after the last batch scored (highWatermark - 1 - lastOffset)",
      labelNames: ['topic', 'partition'] as const,
      registers,
    }),
    scoringBatchSize: new Histogram({
      name: 'recsys_scoring_batch_size',
      help: 'Messages per scored batch (one topic partition)',
      buckets: SIZE_BUCKETS,
      registers,
    }),
    scoringBatchDuration: new Histogram({
      name: 'recsys_scoring_batch_duration_seconds',
      help: 'Time to score one batch: learn, write the statistics and user states to the store, queue the refreshes of lists somebody is subscribed to',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    scoredEvents: new Counter({
      name: 'recsys_scored_events_total',
      help: 'Consumed messages by result: learned, duplicate (eventId already applied), invalid (not an envelope)',
      labelNames: ['result'] as const,
      registers,
    }),
    listsChanged: new Counter({
      name: 'recsys_lists_changed_total',
      help: 'Recommendation lists stored as a new version (and published) by the refresh queue',
      registers,
    }),
    listsRefreshed: new Counter({
      name: 'recsys_lists_refreshed_total',
      help: 'Lists handed to the refresh queue at once because someone is subscribed to them',
      registers,
    }),
    listsDeferred: new Counter({
      name: 'recsys_lists_deferred_total',
      help: 'Lists the scorer marked stale instead (nobody subscribed): recomputed at their next read',
      registers,
    }),
    eventToPush: new Histogram({
      name: 'recsys_event_to_push_seconds',
      help: "From the event's receivedAt (gateway accepted it) to this gateway writing the changed list to a subscriber's socket",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    subscriptionsOpen: new Gauge({
      name: 'recsys_subscriptions_open',
      help: 'Live recommendationsUpdated subscriptions on this gateway',
      registers,
    }),
    feedChannels: new Gauge({
      name: 'recsys_feed_channels',
      help: 'Redis pub/sub channels the recommendation feed holds (one per subscribed user)',
      registers,
      collect() {
        const n = sources.feedChannels?.();
        if (typeof n === 'number') this.set(n);
      },
    }),
    flagsConnected: new Gauge({
      name: 'recsys_flags_connected',
      help: '1 while the flag source is connected (ZooKeeper watch live, or a local source), else 0',
      registers,
      collect() {
        const s = sources.flags?.();
        if (s) this.set(s.connected ? 1 : 0);
      },
    }),
    flagsStale: new Gauge({
      name: 'recsys_flags_stale',
      help: '1 while the flags served are the last known ones (source unreachable), else 0',
      labelNames: ['source'] as const,
      registers,
      collect() {
        const s = sources.flags?.();
        if (!s) return;
        this.reset();
        this.set({ source: s.source }, s.staleSince === null ? 0 : 1);
      },
    }),
    readiness: new Gauge({
      name: 'recsys_readiness',
      help: "Each /readyz check's state: 0 ok, 1 degraded (still serving, e.g. flags stale), 2 down (/readyz answers 503)",
      labelNames: ['check'] as const,
      registers,
      async collect() {
        const states = await sources.readiness?.();
        if (!states) return;
        this.reset();
        for (const [check, value] of Object.entries(states)) this.set({ check }, value);
      },
    }),
    deadLetters: new Counter({
      name: 'recsys_dead_letters_total',
      help: 'Consumed messages (kind=message) and stored user states (kind=state) set aside on the dead-letter topic',
      labelNames: ['kind'] as const,
      registers,
    }),
    consumerRestarts: new Counter({
      name: 'recsys_consumer_restarts_total',
      help: 'Kafka consumer crashes, by who restarts it (kafkajs, or the gateway when kafkajs does not)',
      labelNames: ['by'] as const,
      registers,
    }),
  };
  return metrics;
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
