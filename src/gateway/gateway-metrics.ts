import type { Counter, Histogram, MetricsProvider } from '../common/metrics/metrics-provider.js';

/**
 * The Gateway's requests by method (Evaluate, Endorse, Submit, CommitStatus). Fabric's gateway has
 * only the gRPC server's metrics; these add what a Gateway user asks first: how many of each call
 * failed, and how long they took, without the gRPC service prefix.
 */
export interface GatewayMetrics {
  requestsReceived: Counter;
  requestsCompleted: Counter;
  requestDuration: Histogram;
}

export function newGatewayMetrics(p: MetricsProvider): GatewayMetrics {
  const ns = 'gateway';
  return {
    requestsReceived: p.newCounter({ namespace: ns, name: 'requests_received', help: 'The number of Gateway requests received.', labelNames: ['method'] }),
    requestsCompleted: p.newCounter({
      namespace: ns,
      name: 'requests_completed',
      help: 'The number of Gateway requests completed.',
      labelNames: ['method', 'success'],
    }),
    requestDuration: p.newHistogram({ namespace: ns, name: 'request_duration', help: 'The time to complete a Gateway request.', labelNames: ['method', 'success'] }),
  };
}
