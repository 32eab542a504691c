// Deterministic experiment assignment: the same user always lands in the same arm.
import type { RecFlags, Strategy } from '../flags/definitions';
import { fnv1a32 } from '../util/hash';

/** A user's bucket in an experiment: FNV-1a (src/util/hash.ts), the same in every process. */
export function hashUserId(userId: string): number {
  return fnv1a32(userId);
}

export interface Assignment {
  strategy: Strategy;
  /** The experiment arm's name, or null when no experiment runs. */
  arm: string | null;
}

export function assignStrategy(userId: string, flags: Pick<RecFlags, 'recs.strategy' | 'experiment.recs'>): Assignment {
  // The kill switch wins over any experiment.
  if (flags['recs.strategy'] === 'trending') return { strategy: 'trending', arm: null };
  const experiment = flags['experiment.recs'];
  if (!experiment) return { strategy: flags['recs.strategy'], arm: null };
  const point = (hashUserId(userId) % 10_000) / 10_000;
  let edge = 0;
  for (const arm of experiment.arms) {
    edge += arm.share;
    if (point < edge) return { strategy: arm.strategy, arm: arm.name };
  }
  const last = experiment.arms[experiment.arms.length - 1]!;
  return { strategy: last.strategy, arm: last.name };
}
