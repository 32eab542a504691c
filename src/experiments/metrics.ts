// The experiment counters in /metrics: read from the store at scrape time (every gateway reports
// the same shared totals), per experiment, arm and strategy.
import { Gauge, type Registry } from 'prom-client';
import type { ExperimentCounter } from './counter';

/** A scrape waits at most this long for the counters: the rest of /metrics (readiness among them) must answer with the store down. */
const READ_LIMIT_MS = 1000;

/** Experiments reported per scrape: older ones stay in the store and the experimentReport query. */
const MAX_EXPERIMENTS = 20;

export function registerExperimentMetrics(registry: Registry, experiments: () => ExperimentCounter | null, onError?: (err: unknown) => void): void {
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
  const read = async (): Promise<Row[]> => {
    const counter = experiments();
    if (!counter) return [];
    const rows: Row[] = [];
    for (const name of (await counter.experiments()).slice(-MAX_EXPERIMENTS)) {
      const report = await counter.report(name);
      for (const arm of report.arms) {
        for (const s of arm.strategies)
          rows.push({ labels: { experiment: name, arm: arm.arm, strategy: s.strategy }, values: Object.fromEntries(lists.map((m) => [m, s[m]])) });
        rows.push({ labels: { experiment: name, arm: arm.arm, strategy: '*' }, values: Object.fromEntries(shoppers.map((m) => [m, arm[m]])) });
      }
    }
    return rows;
  };
  // Counters that cannot be read in time are left out of this scrape (and reported), never failing it.
  const bounded = async (): Promise<Row[] | null> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), READ_LIMIT_MS)));
    try {
      return await Promise.race([read(), late]);
    } catch (err) {
      onError?.(err);
      return null;
    } finally {
      clearTimeout(timer);
    }
  };
  let sharedRead: Promise<Row[] | null> | null = null;
  const shared = () => (sharedRead ??= bounded().finally(() => (sharedRead = null)));
  for (const name of [...lists, ...shoppers]) {
    new Gauge({
      name: `recsys_experiment_${name}`,
      help: help[name],
      labelNames: ['experiment', 'arm', 'strategy'] as const,
      registers: [registry],
      async collect() {
        const rows = await shared();
        if (rows === null) return;
        this.reset();
        for (const row of rows) if (row.values[name] !== undefined) this.set(row.labels, row.values[name]);
      },
    });
  }
}
