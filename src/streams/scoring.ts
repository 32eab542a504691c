// The stream module's loop: consume batches, score them, let the consumer commit afterwards.
import type { Logger } from '../logger';
import type { DeadLetterSink } from '../log/deadLetters';
import { parseSource, type EventConsumer } from '../log/types';
import type { BatchResult, ScoreBatch } from './scorer';

export interface ScoringLoopOptions {
  consumer: EventConsumer;
  scoreBatch: ScoreBatch;
  logger: Logger;
  /** Where messages that are not event envelopes go (before the batch is committed). */
  deadLetters: DeadLetterSink;
  onBatch?: (source: string, result: BatchResult, ms: number, invalid: number) => void;
}

export async function startScoringLoop({ consumer, scoreBatch, logger, deadLetters, onBatch }: ScoringLoopOptions) {
  await consumer.start(async (batch) => {
    const started = performance.now();
    if (batch.invalid.length > 0) {
      const { topic, partition } = parseSource(batch.source);
      // Set aside before the offsets move past them; a failure here retries the batch.
      await deadLetters.setAside(
        batch.invalid.map((bad) => ({
          kind: 'message' as const,
          reason: bad.reason,
          topic,
          partition,
          offset: bad.offset,
          key: bad.key ?? null,
          value: bad.value ?? null,
        })),
      );
      for (const bad of batch.invalid) {
        logger.warn({ source: batch.source, offset: bad.offset, reason: bad.reason }, 'set aside a message that is not an event envelope (dead letters)');
      }
    }
    // A throw here leaves the offsets uncommitted: the batch is delivered again.
    const result = await scoreBatch(batch.source, batch.records);
    onBatch?.(batch.source, result, performance.now() - started, batch.invalid.length);
  });
  return { stop: () => consumer.stop() };
}
