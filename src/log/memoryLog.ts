// Embedded-mode event log: append-only partitions keyed like Kafka (by userId), one consumer
// loop that delivers batches per partition and advances its committed offset only after the
// handler succeeded, so the same at-least-once semantics hold as with Kafka.
import { decodeEnvelope, encodeEnvelope, TOPIC_OF, type EventEnvelope } from '../events/envelope';
import { fnv1a32 } from '../util/hash';
import type { ConsumedBatch, ConsumerStatus, EventConsumer, EventPublisher } from './types';

export class MemoryLog implements EventPublisher, EventConsumer {
  private readonly partitions = new Map<string, Buffer[]>();
  private readonly committed = new Map<string, number>();
  private handler: ((batch: ConsumedBatch) => Promise<void>) | null = null;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private stopped = false;
  private since = new Date().toISOString();

  constructor(
    private readonly partitionCount = 3,
    private readonly maxBatch = 500,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  async publish(event: EventEnvelope): Promise<void> {
    const source = `${TOPIC_OF[event.type]}/${fnv1a32(event.userId) % this.partitionCount}`;
    let log = this.partitions.get(source);
    if (!log) this.partitions.set(source, (log = []));
    log.push(encodeEnvelope(event));
    this.wake?.();
  }

  /** Everything appended so far, decoded (for tests and replays). */
  read(source: string): Buffer[] {
    return [...(this.partitions.get(source) ?? [])];
  }

  async start(handler: (batch: ConsumedBatch) => Promise<void>): Promise<void> {
    this.handler = handler;
    this.stopped = false;
    this.since = new Date().toISOString();
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let delivered = false;
      for (const [source, log] of this.partitions) {
        const from = (this.committed.get(source) ?? -1) + 1;
        if (from >= log.length) continue;
        const batch: ConsumedBatch = { source, records: [], invalid: [] };
        for (let offset = from; offset < Math.min(log.length, from + this.maxBatch); offset++) {
          const decoded = decodeEnvelope(log[offset]!);
          if ('invalid' in decoded) batch.invalid.push({ offset, reason: decoded.invalid, value: log[offset]! });
          else batch.records.push({ offset, event: decoded });
        }
        try {
          await this.handler!(batch);
          this.committed.set(source, from + batch.records.length + batch.invalid.length - 1);
          delivered = true;
        } catch (err) {
          this.onError(err); // not committed: the same batch comes again
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      if (!delivered && !this.stopped) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  status(): ConsumerStatus {
    return { state: this.stopped || !this.handler ? 'stopped' : 'running', since: this.since, restarts: 0, lastError: null };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.since = new Date().toISOString();
    this.wake?.();
    await this.running;
  }
}
