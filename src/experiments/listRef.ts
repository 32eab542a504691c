// The attribution reference of a list as it is served; its codec lives with the events that carry it
// (src/events/listId.ts).
import { NO_EXPERIMENT, type ListRef } from '../events/listId';
import { STRATEGIES, type Strategy } from '../flags/definitions';

/** Lists outside an experiment are counted as experiment "none", arm "none". */
export function listRefOf(recs: { version: number; arm: string | null; strategy: string }, experiment: string | null): ListRef {
  const inExperiment = recs.arm !== null && experiment !== null;
  return {
    version: recs.version,
    experiment: inExperiment ? experiment : NO_EXPERIMENT,
    arm: inExperiment ? recs.arm! : NO_EXPERIMENT,
    // Served strategies are personalized or trending (src/recommend); anything else would not decode.
    strategy: STRATEGIES.includes(recs.strategy as Strategy) ? (recs.strategy as Strategy) : 'personalized',
  };
}
