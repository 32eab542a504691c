// The event log as the gateway needs it: append with acknowledgement, consume in batches per
// partition, commit after the handler succeeds. Kafka in production, memory when embedded.
import type { EventEnvelope } from '../events/envelope';

export interface EventPublisher {
  /** Resolves once the log has acknowledged the event; rejects with UnavailableError otherwise. */
  publish(event: EventEnvelope): Promise<void>;
  stop(): Promise<void>;
}

/** A message that is not a valid envelope, kept whole so that it can be set aside. */
export interface InvalidMessage {
  offset: number;
  reason: string;
  key?: string | null;
  value?: Buffer | null;
}

export interface ConsumedBatch {
  /** Stable name of the partition ("view-events/3"): the unit of ordering and of offsets. */
  source: string;
  records: { offset: number; event: EventEnvelope }[];
  /** Messages that are not valid envelopes; set aside (dead letters), never scored. */
  invalid: InvalidMessage[];
}

/** The topic and partition a batch's `source` names ("view-events/3"; topic names hold no '/'). */
export function parseSource(source: string): { topic: string; partition: number } {
  const at = source.lastIndexOf('/');
  return { topic: source.slice(0, at), partition: Number(source.slice(at + 1)) };
}

/**
 * Where the consumer is: `starting` until it first joins its group (the API serves meanwhile),
 * `running`, `restarting` after a crash until it has joined again, `stopped`.
 */
export interface ConsumerStatus {
  state: 'starting' | 'running' | 'restarting' | 'stopped';
  /** When it entered this state (ISO time). */
  since: string;
  /** Crashes since start (each followed by a restart). */
  restarts: number;
  lastError: string | null;
}

export interface EventConsumer {
  /**
   * Starts delivering batches; a batch's offsets are committed only when the handler resolves.
   * Resolves without waiting for the log to answer: a log that is down is retried in the background.
   */
  start(handler: (batch: ConsumedBatch) => Promise<void>): Promise<void>;
  status(): ConsumerStatus;
  stop(): Promise<void>;
}
