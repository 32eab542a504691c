// Where attribution lives: each shopper's attribution state (written only if nobody else wrote it
// since it was read) and the counters its increments add to, in one atomic step. Two adapters:
// memory (embedded mode) and Redis (src/experiments/redisExperimentStore.ts); one contract suite.
import { emptyAttribution, SHOPPER_METRICS, type AttributionState, type Increment, type Metric } from './attribution';

export interface LoadedAttribution {
  state: AttributionState;
  /** The stored revision (0: none stored): a save names it, and is refused if another save came first. */
  revision: number;
}

/** Counter totals of one experiment: `${arm}|${strategy}|${metric}` -> n; series `${at}|${arm}|${metric}` -> n added at that time (the counter gives bucket starts). */
export interface ExperimentTotals {
  counts: Map<string, number>;
  series: Map<string, number>;
}

export interface ExperimentStore {
  loadAttribution(userId: string): Promise<LoadedAttribution>;
  /**
   * Writes the state and adds the increments, atomically, if the stored revision is still
   * `revision`; returns false (nothing written) when another writer saved first.
   */
  saveAttribution(userId: string, revision: number, state: AttributionState, increments: readonly Increment[], ttlMs: number): Promise<boolean>;
  totals(experiment: string): Promise<ExperimentTotals>;
  /** Names of the experiments with counters. */
  experiments(): Promise<string[]>;
  clear(): Promise<void>;
}

export const countField = (i: Pick<Increment, 'arm' | 'strategy' | 'metric'>) => `${i.arm}|${i.strategy}|${i.metric}`;
export const seriesField = (i: Pick<Increment, 'arm' | 'metric' | 'at'>) => `${i.at}|${i.arm}|${i.metric}`;
export const inSeries = (metric: Metric) => SHOPPER_METRICS.includes(metric);

export class MemoryExperimentStore implements ExperimentStore {
  private readonly states = new Map<string, { revision: number; state: AttributionState; expires: number }>();
  private readonly totalsOf = new Map<string, ExperimentTotals>();
  constructor(private readonly now: () => number = Date.now) {}

  async loadAttribution(userId: string): Promise<LoadedAttribution> {
    const held = this.states.get(userId);
    if (!held || held.expires <= this.now()) return { state: emptyAttribution(), revision: 0 };
    return { state: structuredClone(held.state), revision: held.revision };
  }

  async saveAttribution(userId: string, revision: number, state: AttributionState, increments: readonly Increment[], ttlMs: number): Promise<boolean> {
    const held = this.states.get(userId);
    const current = held && held.expires > this.now() ? held.revision : 0;
    if (current !== revision) return false;
    this.states.set(userId, { revision: revision + 1, state: structuredClone(state), expires: this.now() + ttlMs });
    for (const i of increments) {
      let totals = this.totalsOf.get(i.experiment);
      if (!totals) this.totalsOf.set(i.experiment, (totals = { counts: new Map(), series: new Map() }));
      totals.counts.set(countField(i), (totals.counts.get(countField(i)) ?? 0) + i.by);
      if (inSeries(i.metric)) totals.series.set(seriesField(i), (totals.series.get(seriesField(i)) ?? 0) + i.by);
    }
    return true;
  }

  async totals(experiment: string): Promise<ExperimentTotals> {
    const totals = this.totalsOf.get(experiment);
    return { counts: new Map(totals?.counts), series: new Map(totals?.series) };
  }

  async experiments(): Promise<string[]> {
    return [...this.totalsOf.keys()].sort();
  }

  async clear(): Promise<void> {
    this.states.clear();
    this.totalsOf.clear();
  }
}
