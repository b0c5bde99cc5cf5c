import type { Counter, Histogram, MetricsProvider } from '../common/metrics/metrics-provider.js';

/** Fabric's chaincode metrics (core/chaincode), with its names and labels. */
export interface ChaincodeMetrics {
  launchDuration: Histogram;
  launchFailures: Counter;
  launchTimeouts: Counter;
  shimRequestsReceived: Counter;
  shimRequestsCompleted: Counter;
  shimRequestDuration: Histogram;
  executeTimeouts: Counter;
}

export function newChaincodeMetrics(p: MetricsProvider): ChaincodeMetrics {
  const ns = 'chaincode';
  return {
    launchDuration: p.newHistogram({ namespace: ns, name: 'launch_duration', help: 'The time to launch a chaincode.', labelNames: ['chaincode', 'success'] }),
    launchFailures: p.newCounter({ namespace: ns, name: 'launch_failures', help: 'The number of chaincode launches that have failed.', labelNames: ['chaincode'] }),
    launchTimeouts: p.newCounter({ namespace: ns, name: 'launch_timeouts', help: 'The number of chaincode launches that have timed out.', labelNames: ['chaincode'] }),
    shimRequestsReceived: p.newCounter({
      namespace: ns,
      name: 'shim_requests_received',
      help: 'The number of chaincode shim requests received.',
      labelNames: ['type', 'channel', 'chaincode'],
    }),
    shimRequestsCompleted: p.newCounter({
      namespace: ns,
      name: 'shim_requests_completed',
      help: 'The number of chaincode shim requests completed.',
      labelNames: ['type', 'channel', 'chaincode', 'success'],
    }),
    shimRequestDuration: p.newHistogram({
      namespace: ns,
      name: 'shim_request_duration',
      help: 'The time to complete chaincode shim requests.',
      labelNames: ['type', 'channel', 'chaincode', 'success'],
    }),
    executeTimeouts: p.newCounter({
      namespace: ns,
      name: 'execute_timeouts',
      help: 'The number of chaincode executions (Init or Invoke) that have timed out.',
      labelNames: ['chaincode'],
    }),
  };
}
