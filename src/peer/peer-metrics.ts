import { newChaincodeMetrics, type ChaincodeMetrics } from '../chaincode/chaincode-metrics.js';
import { newGrpcServerMetrics, type GrpcServerMetrics } from '../comm/grpc-metrics.js';
import type { MetricsConfig } from '../common/config/core-config.js';
import type { Logger } from '../common/logging/logging.js';
import { createMetricsProvider } from '../common/metrics/create-metrics-provider.js';
import { newDeliverMetrics, type DeliverMetrics } from '../deliver/deliver-metrics.js';
import { newEndorserMetrics, type EndorserMetrics } from '../endorser/endorser-metrics.js';
import { newGatewayMetrics, type GatewayMetrics } from '../gateway/gateway-metrics.js';
import { newLedgerMetrics, type LedgerMetrics } from '../ledger/ledger-metrics.js';

/** Every module's metrics, made from one provider; absent altogether with metrics.provider: disabled. */
export interface PeerMetrics {
  chaincode: ChaincodeMetrics;
  ledger: LedgerMetrics;
  endorser: EndorserMetrics;
  deliver: DeliverMetrics;
  gateway: GatewayMetrics;
  grpc: GrpcServerMetrics;
  /** The Prometheus exposition, for GET /metrics; undefined with StatsD. */
  exposition: { text(): Promise<{ contentType: string; body: string }> } | undefined;
  close(): void;
}

/** Every module's metrics from the provider core.yaml's `metrics` section asks for; undefined with it disabled. */
export async function createPeerMetrics(config: MetricsConfig, version: string, logger: Logger): Promise<PeerMetrics | undefined> {
  const metrics = await createMetricsProvider(config, version, logger);
  if (metrics === undefined) return undefined;
  const { provider } = metrics;
  return {
    chaincode: newChaincodeMetrics(provider),
    ledger: newLedgerMetrics(provider),
    endorser: newEndorserMetrics(provider),
    deliver: newDeliverMetrics(provider),
    gateway: newGatewayMetrics(provider),
    grpc: newGrpcServerMetrics(provider),
    exposition: metrics.exposition,
    close: () => metrics.close(),
  };
}
