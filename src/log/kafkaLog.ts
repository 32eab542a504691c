// Kafka adapters (kafkajs). The publisher batches naturally: while one produce request is in
// flight, new events queue and leave together in the next request, so an idle gateway adds no
// latency and a busy one shares requests.
//
// Why the producer is not idempotent: kafkajs 2.2.4 (src/producer/sendMessages.js) rewinds every
// partition's sequence number of a produce request that failed, even when the broker wrote some or
// all of it (a response with one failed partition throws for the whole request, and a timed-out
// request may have been written). The next, different batch then reuses those sequence numbers:
// the broker either takes it for a duplicate and drops it (a false acknowledgement) or answers
// OUT_OF_ORDER_SEQUENCE_NUMBER for ever after (a jammed producer). So: acks=all, idempotence off,
// one request at a time, retried until the events' deadline; the duplicates a retry may write are
// absorbed by scoring's eventId dedupe (UserState.seen).
import { Partitioners, type Kafka, type Producer, type Consumer, type Message, type PartitionAssigner } from 'kafkajs';
import { UnavailableError, UncertainWriteError } from '../errors';
import { decodeEnvelope, encodeEnvelope, TOPIC_OF, type EventEnvelope } from '../events/envelope';
import { isDoctorMessage } from './doctorMarker';
import { backoffDelay, pause, retryWithBackoff, START_BACKOFF, type BackoffOptions } from '../util/backoff';
import type { KafkaAdmin } from './kafkaAdmin';
import type { ConsumedBatch, ConsumerStatus, EventConsumer, EventPublisher } from './types';
import { USER_BOUNDS } from '../recommend/types';

interface Pending {
  topic: string;
  key: string;
  message: Message;
  queuedAt: number;
  /** queued: not handed to Kafka yet; sent: in a request; done: answered (acked or refused). */
  state: 'queued' | 'sent' | 'done';
  settle: (err?: Error) => void;
}

export interface KafkaPublisherOptions {
  /** A client of its own: its requestTimeout bounds one produce attempt (see app.ts). */
  kafka: Kafka;
  topicPrefix: string;
  /** An event Kafka has not acknowledged within this time is refused (UNAVAILABLE, see UncertainWriteError). */
  timeoutMs: number;
  maxBatch?: number;
  /**
   * The most events of one user in one request. A retried request may write its events twice; the
   * copy is recognised as long as fewer than USER_BOUNDS.seen of that user's events were learned
   * in between, and only the same request's events can lie in between (requests go one at a time).
   */
  maxPerUser?: number;
  onBatch?: (size: number, ms: number) => void;
  /** Per event, from publish() to the acknowledgement or the failure (queueing included). */
  onEvent?: (ms: number, acked: boolean) => void;
}

export interface PublisherHealth {
  ok: boolean;
  detail: {
    lastAckAt: string | null;
    failingSince: string | null;
    lastError: string | null;
    /** Events queued behind the request in flight. */ waiting: number;
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class KafkaPublisher implements EventPublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;
  private queue: Pending[] = [];
  private inFlight = false;
  private stopped = false;
  private lastAckAt: number | null = null;
  private failingSince: number | null = null;
  private lastFailureAt: number | null = null;
  private lastError: string | null = null;

  constructor(private readonly options: KafkaPublisherOptions) {
    this.producer = options.kafka.producer({
      idempotent: false,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      // One attempt per call: the retries are ours (send below), bounded by the events' deadline.
      retry: { retries: 0 },
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
    const { timeoutMs } = this.options;
    return new Promise<void>((resolve, reject) => {
      const pending: Pending = {
        topic,
        key: event.userId,
        message,
        queuedAt: Date.now(),
        state: 'queued',
        settle: (err) => {
          if (pending.state === 'done') return;
          const wasQueued = pending.state === 'queued';
          pending.state = 'done';
          clearTimeout(timer);
          this.options.onEvent?.(Date.now() - pending.queuedAt, !err);
          if (wasQueued) this.queue = this.queue.filter((p) => p !== pending);
          if (err) reject(err);
          else resolve();
        },
      };
      // Still queued at the deadline: never handed to Kafka, so certainly not written. Sent: maybe.
      const timer = setTimeout(() => {
        const reason = `no acknowledgement within ${timeoutMs} ms${this.lastError ? ` (${this.lastError})` : ''}`;
        pending.settle(pending.state === 'queued' ? new UnavailableError('kafka', `not written: ${reason}`) : new UncertainWriteError('kafka', reason));
      }, timeoutMs);
      this.queue.push(pending);
      this.drain();
    });
  }

  /** Takes the next request's events: oldest first, at most maxPerUser per user (their order kept). */
  private take(): Pending[] {
    const max = this.options.maxBatch ?? 1000;
    const perUser = this.options.maxPerUser ?? Math.floor(USER_BOUNDS.seen / 2);
    const counts = new Map<string, number>();
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    for (const p of this.queue) {
      const n = counts.get(p.key) ?? 0;
      if (batch.length < max && n < perUser) {
        counts.set(p.key, n + 1);
        p.state = 'sent';
        batch.push(p);
      } else {
        if (n >= perUser) counts.set(p.key, n + 1);
        rest.push(p);
      }
    }
    this.queue = rest;
    return batch;
  }

  private drain(): void {
    if (this.inFlight || this.queue.length === 0) return;
    this.inFlight = true;
    void this.send(this.take()).finally(() => {
      this.inFlight = false;
      this.drain();
    });
  }

  /**
   * Sends one batch, again and again until Kafka acknowledges it or none of its events is still
   * waiting (each refused itself at its deadline). Nothing newer leaves meanwhile, so a user's
   * events reach their partition in order (a retry may repeat some: scoring skips the copies).
   */
  private async send(batch: Pending[]): Promise<void> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const waiting = batch.filter((p) => p.state === 'sent');
      if (waiting.length === 0) return;
      const byTopic = new Map<string, Message[]>();
      for (const p of waiting) {
        let messages = byTopic.get(p.topic);
        if (!messages) byTopic.set(p.topic, (messages = []));
        messages.push(p.message);
      }
      try {
        await this.connect();
        await this.producer.sendBatch({
          acks: -1,
          // How long the leader waits for the in-sync replicas.
          timeout: this.options.timeoutMs,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      } catch (err) {
        this.lastFailureAt = Date.now();
        this.failingSince ??= this.lastFailureAt;
        this.lastError = err instanceof Error ? err.message : String(err);
        await sleep(Math.min(1_000, 50 * 2 ** Math.min(attempt, 5)));
        continue;
      }
      const now = Date.now();
      this.lastAckAt = now;
      this.failingSince = null;
      this.lastError = null;
      this.options.onBatch?.(waiting.length, now - started);
      waiting.forEach((p) => p.settle());
      return;
    }
  }

  /**
   * Not ok while produce attempts fail with no acknowledgement since, for as long as the failures
   * are recent (within `windowMs`): a gateway taken out of service gets no events, so after a quiet
   * window it says ok again and the next events show whether Kafka takes writes.
   */
  health(windowMs = Math.max(10_000, 2 * this.options.timeoutMs)): PublisherHealth {
    const now = Date.now();
    const failing = this.failingSince !== null && this.lastFailureAt !== null && now - this.lastFailureAt < windowMs;
    const waiting = this.queue.length;
    return {
      ok: !failing,
      detail: {
        lastAckAt: this.lastAckAt === null ? null : new Date(this.lastAckAt).toISOString(),
        failingSince: failing ? new Date(this.failingSince!).toISOString() : null,
        lastError: failing ? this.lastError : null,
        waiting,
      },
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // Let queued events reach Kafka (flush) before disconnecting.
    const deadline = Date.now() + this.options.timeoutMs;
    while ((this.inFlight || this.queue.length > 0) && Date.now() < deadline) await sleep(10);
    await this.producer.disconnect();
  }
}

export interface KafkaConsumerOptions {
  kafka: Kafka;
  /** The process's admin client (the partition-count check at start). */
  admin: KafkaAdmin;
  groupId: string;
  topicPrefix: string;
  /** The group session (default 10 s): a member silent this long loses its partitions. */
  sessionTimeoutMs?: number;
  /** A crash (kafkajs CRASH): `restart` is kafkajs' hint; when false, this consumer restarts itself with backoff. */
  onCrash?: (err: unknown, restart: boolean) => void;
  /** After a batch was handled (its offsets about to be committed): its size and the partition's lag behind the high watermark. */
  onBatch?: (info: { topic: string; partition: number; size: number; lag: number }) => void;
  /** Partitions scored at once (default 6); batches of the same partition number never overlap. */
  concurrency?: number;
  /** Resolved offsets are committed at most this often (ms); a crash re-delivers at most this much, which scoring absorbs. */
  commitIntervalMs?: number;
  /** The most messages handed to the handler at once (default 1000); a larger fetch is split. */
  maxChunk?: number;
  onWarning?: (message: string) => void;
  /** Every state change (starting, running, restarting, stopped). */
  onStatus?: (status: ConsumerStatus) => void;
  /** How often kafkajs retries a failing batch before it crashes the consumer (default 10). */
  retries?: number;
  /** Backoff between this consumer's own attempts to (re)start (default START_BACKOFF). */
  backoff?: BackoffOptions;
  /** kafkajs assigners in order of preference (default: kafkajs's round-robin); see coPartitionedAssigner.ts. */
  partitionAssigners?: PartitionAssigner[];
  /** After every join of the group, with what this member was given (kafkajs's GROUP_JOIN payload). */
  onGroupJoin?: (memberAssignment: Record<string, number[]>) => void;
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
  private readonly consumer: Consumer;
  private readonly topics: string[];
  private handler: ((batch: ConsumedBatch) => Promise<void>) | null = null;
  /** `starting` from construction: the gateway builds it to start it (once Kafka's topics exist). */
  private current: ConsumerStatus = { state: 'starting', since: new Date().toISOString(), restarts: 0, lastError: null };
  /** Aborted by stop(): ends the start-up retries and any pending restart at once. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: KafkaConsumerOptions) {
    this.topics = Object.values(TOPIC_OF).map((t) => options.topicPrefix + t);
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 50,
      retry: {
        retries: options.retries ?? 10,
        initialRetryTime: 200,
        maxRetryTime: 5_000,
        // kafkajs asks before it restarts after a retriable crash: never once we are stopping.
        restartOnFailure: async () => !this.stopping.signal.aborted,
      },
      ...(options.partitionAssigners ? { partitionAssigners: options.partitionAssigners } : {}),
    });
    const { GROUP_JOIN, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      this.setState('running', null);
      this.options.onGroupJoin?.(payload.memberAssignment);
    });
    this.consumer.on(CRASH, ({ payload }) => this.crashed(payload.error, payload.restart));
  }

  /** Returns at once; connecting, subscribing and joining the group go on in the background, retried with backoff. */
  async start(handler: (batch: ConsumedBatch) => Promise<void>): Promise<void> {
    if (this.handler) throw new Error('KafkaEventConsumer.start() called twice');
    this.handler = handler;
    void this.runUntilStarted();
  }

  status(): ConsumerStatus {
    return { ...this.current };
  }

  private setState(state: ConsumerStatus['state'], error: unknown, crashed = false): void {
    if (this.current.state === 'stopped') return; // nothing moves after stop()
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever was thrown that is not an Error, as String() shows it
    const lastError = error === null ? this.current.lastError : error instanceof Error ? error.message : String(error);
    const restarts = this.current.restarts + (crashed ? 1 : 0); // crashes, not the attempts that follow one
    if (state !== this.current.state) this.current = { state, since: new Date().toISOString(), restarts, lastError };
    else this.current = { ...this.current, restarts, lastError };
    this.options.onStatus?.(this.status());
  }

  private crashed(error: unknown, restart: boolean): void {
    if (this.stopping.signal.aborted) return;
    this.setState('restarting', error, true);
    this.options.onCrash?.(error, restart);
    // kafkajs restarts by itself when it says so (GROUP_JOIN then marks us running); when it does
    // not (a non-retriable error), it has disconnected and would stay down: start again ourselves.
    if (!restart) void this.runUntilStarted(true);
  }

  /** `afterCrash`: pause first, so that kafkajs has finished closing what the crash left open. */
  private runUntilStarted(afterCrash = false): Promise<void> {
    const backoff = this.options.backoff ?? START_BACKOFF;
    const attempt = async (n: number) => {
      if (n === 0 && afterCrash && !(await pause(backoffDelay(0, backoff), this.stopping.signal))) return;
      try {
        await this.runOnce();
      } catch (err) {
        await this.consumer.disconnect().catch(() => undefined); // a clean slate for the next attempt
        throw err;
      }
    };
    return retryWithBackoff(attempt, {
      ...backoff,
      signal: this.stopping.signal,
      onFailure: (err) => this.setState(this.current.state === 'running' ? 'restarting' : this.current.state, err),
    }).then(() => undefined);
  }

  /** Connects, subscribes and runs; kafkajs' run() itself resolves once the group is joined, or after it crashed. */
  private async runOnce(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    const concurrency = (await this.samePartitionCounts(this.topics)) ? (this.options.concurrency ?? 6) : 1;
    if (this.stopping.signal.aborted) return;
    const serializer = new KeyedSerializer();
    const chunk = this.options.maxChunk ?? 1000;
    const handler = this.handler!;
    await this.consumer.run({
      partitionsConsumedConcurrently: concurrency,
      // Resolved chunk by chunk below: a fetch can hold thousands of messages, and handing them
      // over in bounded chunks, with a heartbeat after each, keeps a slow backlog from outliving
      // the session timeout (the group would evict us and re-deliver it all).
      eachBatchAutoResolve: false,
      autoCommitInterval: this.options.commitIntervalMs ?? 200,
      eachBatch: ({ batch, heartbeat, resolveOffset, isRunning, isStale }) =>
        serializer.run(batch.partition, async () => {
          for (let start = 0; start < batch.messages.length; start += chunk) {
            if (!isRunning() || isStale()) return; // rebalanced or stopping: the rest comes again
            const messages = batch.messages.slice(start, start + chunk);
            const consumed: ConsumedBatch = { source: `${batch.topic}/${batch.partition}`, records: [], invalid: [] };
            for (const message of messages) {
              if (isDoctorMessage(message.headers)) continue; // `npm run doctor`'s probe, not an event
              const offset = Number(message.offset);
              const decoded = decodeEnvelope(message.value);
              if ('invalid' in decoded)
                consumed.invalid.push({ offset, reason: decoded.invalid, key: message.key?.toString('utf8') ?? null, value: message.value });
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
    const { topics: meta } = await this.options.admin.use((admin) => admin.fetchTopicMetadata({ topics }));
    const counts = new Set(meta.map((t) => t.partitions.length));
    if (counts.size === 1) return true;
    this.options.onWarning?.(`topics ${topics.join(', ')} have different partition counts (${[...counts].join(', ')}): scoring one partition at a time`);
    return false;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.setState('stopped', null);
    // Not waiting for a start still in progress (joining can take a session timeout): disconnecting
    // ends it, and restartOnFailure above keeps kafkajs from starting again.
    await this.consumer.disconnect();
  }
}
