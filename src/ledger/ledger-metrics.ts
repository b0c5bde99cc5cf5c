import type { Counter, Gauge, Histogram, MetricsProvider } from '../common/metrics/metrics-provider.js';

/** Fabric's ledger metrics (kvledger and blkstorage), with its names and labels. */
export interface LedgerMetrics {
  blockProcessingTime: Histogram;
  blockstorageCommitTime: Histogram;
  blockchainHeight: Gauge;
  transactionCount: Counter;
}

export function newLedgerMetrics(p: MetricsProvider): LedgerMetrics {
  const ns = 'ledger';
  return {
    blockProcessingTime: p.newHistogram({
      namespace: ns,
      name: 'block_processing_time',
      help: 'Time taken in seconds for ledger block processing.',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.015, 0.05, 0.1, 1, 10],
    }),
    blockstorageCommitTime: p.newHistogram({
      namespace: ns,
      name: 'blockstorage_commit_time',
      help: 'Time taken in seconds for committing the block to storage.',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.015, 0.05, 0.1, 1, 10],
    }),
    blockchainHeight: p.newGauge({ namespace: ns, name: 'blockchain_height', help: 'Height of the chain in blocks.', labelNames: ['channel'] }),
    transactionCount: p.newCounter({
      namespace: ns,
      name: 'transaction_count',
      help: 'Number of transactions processed.',
      labelNames: ['channel', 'transaction_type', 'chaincode', 'validation_code'],
    }),
  };
}
