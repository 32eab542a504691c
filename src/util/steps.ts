// Shutdown as a list of steps, each with its own time limit: a step that hangs (a consumer
// waiting on a rebalance, a Kafka flush to a dead broker) is logged and left behind, so the
// whole stop stays inside the sum of the limits, whatever the dependencies do.
import type { Logger } from '../logger';

export interface Step {
  name: string;
  /** The most this step may take (ms). */
  limitMs: number;
  run: () => Promise<unknown>;
}

/** Runs the steps of one stage at once; resolves when each has finished or hit its limit. */
async function runStage(stage: Step[], logger: Logger): Promise<void> {
  await Promise.all(
    stage.map(async ({ name, limitMs, run }) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        run().then(
          () => 'done' as const,
          (err: unknown) => {
            logger.warn({ step: name, err: err instanceof Error ? err.message : String(err) }, 'shutdown step failed; going on');
            return 'failed' as const;
          },
        ),
        new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), limitMs))),
      ]);
      clearTimeout(timer);
      const ms = Date.now() - started;
      if (outcome === 'timed out') logger.warn({ step: name, limitMs }, 'shutdown step did not finish in time; going on');
      else logger.info({ step: name, ms, outcome }, 'shutdown step finished');
    }),
  );
}

/** Stages run one after another (a later stage needs the earlier ones stopped); steps of a stage together. */
export async function runSteps(stages: Step[][], logger: Logger): Promise<void> {
  for (const stage of stages) await runStage(stage, logger);
}
