// The experiment counters in /metrics: read from the store at scrape time (every gateway reports
// the same shared totals), per experiment, arm and strategy.
import { Gauge, type Registry } from 'prom-client';
import type { ExperimentCounter } from './counter';

/** Experiments reported per scrape: older ones stay in the store and the experimentReport query. */
const MAX_EXPERIMENTS = 20;

export function registerExperimentMetrics(registry: Registry, experiments: () => ExperimentCounter | null): void {
  const lists = ['lists', 'items', 'clicks', 'carts', 'purchases', 'revenue'] as const;
  const shoppers = ['shoppers', 'clickers', 'buyers'] as const;
  const help: Record<(typeof lists)[number] | (typeof shoppers)[number], string> = {
    lists: 'Lists delivered (a version once per shopper, by query or push)',
    items: 'Items shown in delivered lists',
    clicks: 'Views from a list',
    carts: 'Add-to-carts of a product clicked from a list within the attribution window',
    purchases: 'Purchased lines of a product clicked from a list within the attribution window',
    revenue: 'Price x quantity of those purchased lines',
    shoppers: 'Shoppers who received at least one list',
    clickers: 'Shoppers who clicked a recommended item',
    buyers: 'Shoppers who bought a clicked item within the attribution window',
  };
  const gauges = new Map<string, Gauge<'experiment' | 'arm' | 'strategy'>>();
  // One gauge collects for all (the store is read once per scrape); it is registered first, so collected first.
  const collect = async () => {
    const counter = experiments();
    if (!counter) return;
    for (const g of gauges.values()) g.reset();
    for (const name of (await counter.experiments()).slice(-MAX_EXPERIMENTS)) {
      const report = await counter.report(name);
      for (const arm of report.arms) {
        for (const s of arm.strategies) for (const m of lists) gauges.get(m)!.set({ experiment: name, arm: arm.arm, strategy: s.strategy }, s[m]);
        for (const m of shoppers) gauges.get(m)!.set({ experiment: name, arm: arm.arm, strategy: '*' }, arm[m]);
      }
    }
  };
  for (const name of [...lists, ...shoppers]) {
    gauges.set(name, new Gauge({ name: `recsys_experiment_${name}`, help: help[name], labelNames: ['experiment', 'arm', 'strategy'] as const, registers: [registry], ...(name === 'lists' ? { collect } : {}) }));
  }
}
