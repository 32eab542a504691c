// Instruments of partition ownership among several gateways: how often the group rebalanced, which
// partition numbers this gateway scores, and state writes refused because another member owns them now.
import { Counter, Gauge, type Registry } from 'prom-client';

export function createPartitionMetrics(registry: Registry) {
  const registers = [registry];
  return {
    rebalances: new Counter({
      name: 'recsys_consumer_rebalances_total',
      help: 'Times this gateway joined its consumer group and got an assignment (each rebalance it took part in)',
      registers,
    }),
    partitionsOwned: new Gauge({
      name: 'recsys_partitions_owned',
      help: 'Partition numbers this gateway scores (the same numbers of all three topics)',
      registers,
    }),
    staleWritesRefused: new Counter({
      name: 'recsys_stale_writes_refused_total',
      help: 'User-state writes refused because the stored state moved on since the batch loaded it (another member scored the partition meanwhile); the batch is left uncommitted',
      registers,
    }),
  };
}
export type PartitionMetrics = ReturnType<typeof createPartitionMetrics>;
