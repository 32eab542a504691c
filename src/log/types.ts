// The event log as the gateway needs it: append with acknowledgement, consume in batches per
// partition, commit after the handler succeeds. Kafka in production, memory when embedded.
import type { EventEnvelope } from '../events/envelope';

export interface EventPublisher {
  /** Resolves once the log has acknowledged the event; rejects with UnavailableError otherwise. */
  publish(event: EventEnvelope): Promise<void>;
  stop(): Promise<void>;
}

export interface ConsumedBatch {
  /** Stable name of the partition ("view-events/3"): the unit of ordering and of offsets. */
  source: string;
  records: { offset: number; event: EventEnvelope }[];
  /** Messages that are not valid envelopes; skipped (and counted), never scored. */
  invalid: { offset: number; reason: string }[];
}

export interface EventConsumer {
  /** Starts delivering batches; a batch's offsets are committed only when the handler resolves. */
  start(handler: (batch: ConsumedBatch) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}
