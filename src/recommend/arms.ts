// Deterministic experiment assignment: the same user always lands in the same arm.
import type { RecFlags, Strategy } from '../flags/definitions';

/** FNV-1a 32-bit: stable across processes and languages, good enough spread for bucketing. */
export function hashUserId(userId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
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
