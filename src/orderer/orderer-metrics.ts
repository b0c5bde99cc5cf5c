import type { GrpcServerMetrics } from '../comm/grpc-metrics.js';
import type { Counter, Histogram, MetricsProvider } from '../common/metrics/metrics-provider.js';
import type { DeliverMetrics } from '../deliver/deliver-metrics.js';

/** Fabric's broadcast metrics (orderer/common/broadcast), with its names and labels. */
export interface BroadcastMetrics {
  validateDuration: Histogram;
  processedCount: Counter;
}

export function newBroadcastMetrics(p: MetricsProvider): BroadcastMetrics {
  const labelNames = ['channel', 'type', 'status'];
  return {
    validateDuration: p.newHistogram({
      namespace: 'broadcast',
      name: 'validate_duration',
      help: 'The time to validate a transaction in seconds.',
      labelNames,
      buckets: [0.005, 0.01, 0.1, 0.5, 1, 5, 10],
    }),
    processedCount: p.newCounter({ namespace: 'broadcast', name: 'processed_count', help: 'The number of transactions processed.', labelNames }),
  };
}

/** What a standalone orderer measures: its gRPC calls, Broadcast and Deliver. */
export interface OrdererMetrics {
  grpc: GrpcServerMetrics;
  broadcast: BroadcastMetrics;
  deliver: DeliverMetrics;
}
