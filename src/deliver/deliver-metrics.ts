import type { Counter, MetricsProvider } from '../common/metrics/metrics-provider.js';
import type { DeliverKind } from './session-access.js';

/** Fabric's deliver metrics (common/deliver), with its names and labels. */
export interface DeliverMetrics {
  streamsOpened: Counter;
  streamsClosed: Counter;
  requestsReceived: Counter;
  requestsCompleted: Counter;
  blocksSent: Counter;
}

export function newDeliverMetrics(p: MetricsProvider): DeliverMetrics {
  const ns = 'deliver';
  const seek = ['channel', 'filtered', 'data_type'];
  return {
    streamsOpened: p.newCounter({ namespace: ns, name: 'streams_opened', help: 'The number of GRPC streams that have been opened for the deliver service.' }),
    streamsClosed: p.newCounter({ namespace: ns, name: 'streams_closed', help: 'The number of GRPC streams that have been closed for the deliver service.' }),
    requestsReceived: p.newCounter({ namespace: ns, name: 'requests_received', help: 'The number of deliver requests that have been received.', labelNames: seek }),
    requestsCompleted: p.newCounter({
      namespace: ns,
      name: 'requests_completed',
      help: 'The number of deliver requests that have been completed.',
      labelNames: [...seek, 'success'],
    }),
    blocksSent: p.newCounter({ namespace: ns, name: 'blocks_sent', help: 'The number of blocks sent by the deliver service.', labelNames: seek }),
  };
}

/** The `filtered` and `data_type` labels of a stream's kind, as Fabric's deliver servers name them. */
export function deliverLabels(kind: DeliverKind): { filtered: string; dataType: string } {
  if (kind === 'filteredBlock') return { filtered: 'true', dataType: 'filtered_block' };
  if (kind === 'blockAndPrivateData') return { filtered: 'false', dataType: 'block_and_pvtdata' };
  return { filtered: 'false', dataType: 'block' };
}
