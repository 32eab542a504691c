export { createGatewayMetrics, type GatewayMetrics, type MetricsSources } from './gatewayMetrics';
export { createTrackMetricsPlugin } from './trackPlugin';
export { instrumentFeed } from './instrument';
export { mountMetrics } from './route';
export { createPartitionMetrics, type PartitionMetrics } from './partitionMetrics';
