import { newChaincodeMetrics, type ChaincodeMetrics } from '../chaincode/chaincode-metrics.js';
import { newGrpcServerMetrics, type GrpcServerMetrics } from '../comm/grpc-metrics.js';
import type { MetricsConfig } from '../common/config/core-config.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { MetricsProvider } from '../common/metrics/metrics-provider.js';
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

/**
 * The metrics provider core.yaml's `metrics` section asks for. prom-client is loaded only when
 * it is: the peer with metrics off starts without it.
 */
export async function createPeerMetrics(config: MetricsConfig, version: string, logger: Logger): Promise<PeerMetrics | undefined> {
  let provider: MetricsProvider;
  let exposition: PeerMetrics['exposition'];
  let close = (): void => undefined;
  if (config.provider === 'prometheus') {
    const { PrometheusProvider } = await import('../common/metrics/prometheus-provider.js');
    const prometheus = new PrometheusProvider();
    provider = prometheus;
    exposition = prometheus;
  } else if (config.provider === 'statsd') {
    const { StatsdProvider } = await import('../common/metrics/statsd-provider.js');
    const statsd = new StatsdProvider({
      ...config.statsd,
      onError: (err) => logger.warn('statsd', `sending metrics to ${config.statsd.address}: ${errorMessage(err)}`),
    });
    provider = statsd;
    close = () => statsd.close();
  } else {
    return undefined;
  }
  // Fabric's fabric_version gauge: 1, labelled with the running version.
  provider.newGauge({ namespace: 'fabric', name: 'version', help: 'The active version of Fabric.', labelNames: ['version'] }).with(version).set(1);
  return {
    chaincode: newChaincodeMetrics(provider),
    ledger: newLedgerMetrics(provider),
    endorser: newEndorserMetrics(provider),
    deliver: newDeliverMetrics(provider),
    gateway: newGatewayMetrics(provider),
    grpc: newGrpcServerMetrics(provider),
    exposition,
    close,
  };
}
