// The stream module's loop: consume batches, score them, let the consumer commit afterwards.
import type { Logger } from '../logger';
import type { EventConsumer } from '../log/types';
import type { BatchResult, ScoreBatch } from './scorer';

export interface ScoringLoopOptions {
  consumer: EventConsumer;
  scoreBatch: ScoreBatch;
  logger: Logger;
  onBatch?: (source: string, result: BatchResult, ms: number, invalid: number) => void;
}

export async function startScoringLoop({ consumer, scoreBatch, logger, onBatch }: ScoringLoopOptions) {
  await consumer.start(async (batch) => {
    const started = performance.now();
    for (const bad of batch.invalid) {
      logger.warn({ source: batch.source, offset: bad.offset, reason: bad.reason }, 'skipped a message that is not an event envelope');
    }
    // A throw here leaves the offsets uncommitted: the batch is delivered again.
    const result = await scoreBatch(batch.source, batch.records);
    onBatch?.(batch.source, result, performance.now() - started, batch.invalid.length);
  });
  return { stop: () => consumer.stop() };
}
