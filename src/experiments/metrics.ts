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
  type Row = { labels: { experiment: string; arm: string; strategy: string }; values: Partial<Record<keyof typeof help, number>> };
  // The registry asks every gauge at once: they share one read of the store per scrape.
  let reading: Promise<Row[]> | null = null;
  const read = async (): Promise<Row[]> => {
    const counter = experiments();
    if (!counter) return [];
    const rows: Row[] = [];
    for (const name of (await counter.experiments()).slice(-MAX_EXPERIMENTS)) {
      const report = await counter.report(name);
      for (const arm of report.arms) {
        for (const s of arm.strategies) rows.push({ labels: { experiment: name, arm: arm.arm, strategy: s.strategy }, values: Object.fromEntries(lists.map((m) => [m, s[m]])) });
        rows.push({ labels: { experiment: name, arm: arm.arm, strategy: '*' }, values: Object.fromEntries(shoppers.map((m) => [m, arm[m]])) });
      }
    }
    return rows;
  };
  const shared = () => (reading ??= read().finally(() => (reading = null)));
  for (const name of [...lists, ...shoppers]) {
    new Gauge({
      name: `recsys_experiment_${name}`,
      help: help[name],
      labelNames: ['experiment', 'arm', 'strategy'] as const,
      registers: [registry],
      async collect() {
        const rows = await shared();
        this.reset();
        for (const row of rows) if (row.values[name] !== undefined) this.set(row.labels, row.values[name]);
      },
    });
  }
}
