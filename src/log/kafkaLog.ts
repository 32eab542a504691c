// Kafka adapters (kafkajs). The publisher batches naturally: while one produce request is in
// flight, new events queue and leave together in the next request, so an idle gateway adds no
// latency and a busy one shares requests. acks=all on an idempotent producer.
import { Partitioners, type Kafka, type Producer, type Consumer, type Message, type PartitionAssigner } from 'kafkajs';
import { UnavailableError } from '../errors';
import { decodeEnvelope, encodeEnvelope, TOPIC_OF, type EventEnvelope } from '../events/envelope';
import { isDoctorMessage } from '../doctor/marker';
import type { ConsumedBatch, EventConsumer, EventPublisher } from './types';

interface Pending {
  topic: string;
  message: Message;
  resolve: () => void;
  reject: (err: unknown) => void;
  queuedAt: number;
}

export interface KafkaPublisherOptions {
  kafka: Kafka;
  topicPrefix: string;
  /** A publish that Kafka has not acknowledged within this time fails with UNAVAILABLE. */
  timeoutMs: number;
  maxBatch?: number;
  onBatch?: (size: number, ms: number) => void;
  /** Per event, from publish() to the acknowledgement or the failure (queueing included). */
  onEvent?: (ms: number, acked: boolean) => void;
}

export class KafkaPublisher implements EventPublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;
  private queue: Pending[] = [];
  private inFlight = false;
  private stopped = false;

  constructor(private readonly options: KafkaPublisherOptions) {
    this.producer = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = null));
  }

  private connect(): Promise<void> {
    if (!this.connected) {
      this.connected = this.producer.connect();
      this.connected.catch(() => (this.connected = null));
    }
    return this.connected;
  }

  publish(event: EventEnvelope): Promise<void> {
    if (this.stopped) return Promise.reject(new UnavailableError('kafka', 'the gateway is shutting down'));
    const topic = this.options.topicPrefix + TOPIC_OF[event.type];
    const message: Message = { key: event.userId, value: encodeEnvelope(event), headers: { 'event-id': event.eventId } };
    const acked = new Promise<void>((resolve, reject) => this.queue.push({ topic, message, resolve, reject, queuedAt: Date.now() }));
    this.drain();
    return withTimeout(acked, this.options.timeoutMs, () => new UnavailableError('kafka', `no acknowledgement within ${this.options.timeoutMs} ms`));
  }

  private drain(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch ?? 1000);
    this.inFlight = true;
    const started = Date.now();
    const byTopic = new Map<string, Message[]>();
    for (const p of batch) {
      let messages = byTopic.get(p.topic);
      if (!messages) byTopic.set(p.topic, (messages = []));
      messages.push(p.message);
    }
    this.connect()
      .then(() =>
        this.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        }),
      )
      .then(
        () => {
          const now = Date.now();
          this.options.onBatch?.(batch.length, now - started);
          batch.forEach((p) => {
            this.options.onEvent?.(now - p.queuedAt, true);
            p.resolve();
          });
        },
        (err: unknown) => {
          const reason = err instanceof Error ? err.message : String(err);
          const now = Date.now();
          batch.forEach((p) => {
            this.options.onEvent?.(now - p.queuedAt, false);
            p.reject(new UnavailableError('kafka', reason, err));
          });
        },
      )
      .finally(() => {
        this.inFlight = false;
        this.drain();
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // Let queued events reach Kafka (flush) before disconnecting.
    const deadline = Date.now() + this.options.timeoutMs;
    while ((this.inFlight || this.queue.length > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await this.producer.disconnect();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(error()), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface KafkaConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topicPrefix: string;
  onCrash?: (err: unknown) => void;
  /** After a batch was handled (its offsets about to be committed): its size and the partition's lag behind the high watermark. */
  onBatch?: (info: { topic: string; partition: number; size: number; lag: number }) => void;
  /** Partitions scored at once (default 6); batches of the same partition number never overlap. */
  concurrency?: number;
  /** Resolved offsets are committed at most this often (ms); a crash re-delivers at most this much, which scoring absorbs. */
  commitIntervalMs?: number;
  /** The most messages handed to the handler at once (default 1000); a larger fetch is split. */
  maxChunk?: number;
  onWarning?: (message: string) => void;
  /** kafkajs assigners in order of preference (default: kafkajs's round-robin); see coPartitionedAssigner.ts. */
  partitionAssigners?: PartitionAssigner[];
}

/**
 * Runs tasks with the same key one after another, tasks with different keys at once. Keyed by
 * partition number: the three topics have the same partition count and the same key (userId), so a
 * user's events all live in partitions of one number and their state is never updated concurrently.
 */
export class KeyedSerializer {
  private readonly tails = new Map<number, Promise<unknown>>();

  run<T>(key: number, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

export class KafkaEventConsumer implements EventConsumer {
  readonly consumer: Consumer;

  constructor(private readonly options: KafkaConsumerOptions) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 50,
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
      ...(options.partitionAssigners ? { partitionAssigners: options.partitionAssigners } : {}),
    });
    if (options.onCrash) this.consumer.on(this.consumer.events.CRASH, (e) => options.onCrash!(e.payload.error));
  }

  async start(handler: (batch: ConsumedBatch) => Promise<void>): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: Object.values(TOPIC_OF).map((t) => this.options.topicPrefix + t), fromBeginning: true });
    const topics = Object.values(TOPIC_OF).map((t) => this.options.topicPrefix + t);
    const concurrency = (await this.samePartitionCounts(topics)) ? (this.options.concurrency ?? 6) : 1;
    const serializer = new KeyedSerializer();
    const chunk = this.options.maxChunk ?? 1000;
    await this.consumer.run({
      partitionsConsumedConcurrently: concurrency,
      // Resolved chunk by chunk below: a fetch can hold thousands of messages, and handing them
      // over in bounded chunks, with a heartbeat after each, keeps a slow backlog from outliving
      // the session timeout (the group would evict us and re-deliver it all).
      eachBatchAutoResolve: false,
      autoCommitInterval: this.options.commitIntervalMs ?? 200,
      eachBatch: ({ batch, heartbeat, resolveOffset, isRunning, isStale }) => serializer.run(batch.partition, async () => {
        for (let start = 0; start < batch.messages.length; start += chunk) {
          if (!isRunning() || isStale()) return; // rebalanced or stopping: the rest comes again
          const messages = batch.messages.slice(start, start + chunk);
          const consumed: ConsumedBatch = { source: `${batch.topic}/${batch.partition}`, records: [], invalid: [] };
          for (const message of messages) {
            if (isDoctorMessage(message.headers)) continue; // `npm run doctor`'s probe, not an event
            const offset = Number(message.offset);
            const decoded = decodeEnvelope(message.value);
            if ('invalid' in decoded) consumed.invalid.push({ offset, reason: decoded.invalid });
            else consumed.records.push({ offset, event: decoded });
          }
          await handler(consumed);
          const last = messages[messages.length - 1]!.offset;
          resolveOffset(last);
          const lag = Math.max(0, Number(batch.highWatermark) - 1 - Number(last));
          this.options.onBatch?.({ topic: batch.topic, partition: batch.partition, size: messages.length, lag });
          await heartbeat();
        }
      }),
    });
  }

  /** Partition-number serialisation is only sound when every topic has the same partition count. */
  private async samePartitionCounts(topics: string[]): Promise<boolean> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      const counts = new Set(meta.map((t) => t.partitions.length));
      if (counts.size === 1) return true;
      this.options.onWarning?.(`topics ${topics.join(', ')} have different partition counts (${[...counts].join(', ')}): scoring one partition at a time`);
      return false;
    } finally {
      await admin.disconnect();
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
