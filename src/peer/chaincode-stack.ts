import { ChaincodeSupport } from '../chaincode/chaincode-support.js';
import { ContainerRuntime, type CertGenerator } from '../chaincode/container-runtime.js';
import type { ChaincodeMetrics } from '../chaincode/chaincode-metrics.js';
import type { CollectionAccess, Handler, MessageTrace } from '../chaincode/handler.js';
import { HandlerRegistry } from '../chaincode/handler-registry.js';
import { RuntimeLauncher } from '../chaincode/runtime-launcher.js';
import type { ChaincodeConfig } from '../common/config/core-config.js';
import type { Logging } from '../common/logging/logging.js';
import { DEV_CONTAINER_TYPE } from '../container/dev/dev-vm-provider.js';
import { INPROC_CONTAINER_TYPE, InprocRegistry } from '../container/inproc/inproc-registry.js';
import type { VMProvider } from '../container/vm.js';
import { VMController } from '../container/vm-controller.js';
import type { Chaincode } from '../shim/chaincode.js';
import { startInProc } from '../shim/start-in-proc.js';

export interface ChaincodeStackOptions {
  chaincode: Pick<ChaincodeConfig, 'startupTimeoutMs' | 'executeTimeoutMs' | 'mode' | 'logging'> &
    Partial<Pick<ChaincodeConfig, 'keepaliveSeconds' | 'maxWriteSetBytes'>>;
  /** The address chaincodes dial, asked at each launch. */
  peerAddress: () => string;
  logging: Logging;
  /**
   * VM providers for user chaincode by container type (`PROCESS`, ...), beside the in-process one
   * for system chaincode, which always serves `SYSTEM`.
   */
  vmProviders?: ReadonlyMap<string, VMProvider>;
  /** Issues launched chaincodes their TLS credentials, when the chaincode listener serves TLS. */
  certGenerator?: CertGenerator | undefined;
  /** The container types whose launches get TLS credentials; all when absent. */
  tlsContainerTypes?: ReadonlySet<string> | undefined;
  /** Who may read and write private data collections. */
  collectionAccess?: CollectionAccess | undefined;
  /** peer.localMspId: chaincodes get it as CORE_PEER_LOCALMSPID, as Fabric 2.x gives it (the shim's getMspID()). */
  localMspId?: string | undefined;
  metrics?: ChaincodeMetrics | undefined;
  trace?: MessageTrace | undefined;
  /** ledger.state.totalQueryLimit: most results one chaincode query returns. */
  totalQueryLimit?: number | undefined;
}

/** The chaincode machinery of the seed, wired: core.chaincode over core.container over the shim. */
export interface ChaincodeStack {
  inprocRegistry: InprocRegistry<Chaincode>;
  vmController: VMController;
  handlerRegistry: HandlerRegistry<Handler>;
  chaincodeSupport: ChaincodeSupport;
}

export function createChaincodeStack(opts: ChaincodeStackOptions): ChaincodeStack {
  const { logging, chaincode } = opts;
  const chaincodeLogger = logging.logger('chaincode');
  const shimLogger = logging.logger('shim');
  const inprocRegistry = new InprocRegistry<Chaincode>({
    startInProc: (env, args, cc, recv, send) => startInProc(env, args, cc, recv, send, shimLogger),
    logger: logging.logger('inproccontroller'),
  });
  const vmProviders = new Map<string, VMProvider>([...(opts.vmProviders ?? []), [INPROC_CONTAINER_TYPE, inprocRegistry]]);
  const vmController = new VMController({ vmProviders, logger: logging.logger('container') });
  const handlerRegistry = new HandlerRegistry<Handler>({
    allowUnsolicitedRegistration: chaincode.mode === 'dev',
    logger: chaincodeLogger,
  });
  const runtime = new ContainerRuntime({
    processor: vmController,
    peerAddress: opts.peerAddress,
    commonEnv: [
      `CORE_CHAINCODE_LOGGING_LEVEL=${chaincode.logging.level}`,
      `CORE_CHAINCODE_LOGGING_SHIM=${chaincode.logging.shim}`,
      `CORE_CHAINCODE_LOGGING_FORMAT=${chaincode.logging.format}`,
      ...(opts.localMspId === undefined ? [] : [`CORE_PEER_LOCALMSPID=${opts.localMspId}`]),
    ],
    certGenerator: opts.certGenerator,
    tlsContainerTypes: opts.tlsContainerTypes,
    launches: handlerRegistry,
    logger: chaincodeLogger,
  });
  const launcher = new RuntimeLauncher({
    runtime,
    registry: handlerRegistry,
    startupTimeoutMs: chaincode.startupTimeoutMs,
    unobservedExits: new Set([DEV_CONTAINER_TYPE]),
    metrics: opts.metrics,
    logger: chaincodeLogger,
  });
  const chaincodeSupport = new ChaincodeSupport({
    launcher,
    runtime,
    handlerRegistry,
    executeTimeoutMs: chaincode.executeTimeoutMs,
    keepaliveMs: (chaincode.keepaliveSeconds ?? 0) * 1000,
    ...(chaincode.maxWriteSetBytes === undefined ? {} : { maxWriteSetBytes: chaincode.maxWriteSetBytes }),
    collectionAccess: opts.collectionAccess,
    ...(opts.totalQueryLimit === undefined ? {} : { totalQueryLimit: opts.totalQueryLimit }),
    metrics: opts.metrics,
    trace: opts.trace,
    logger: chaincodeLogger,
  });
  inprocRegistry.attach(chaincodeSupport);
  return { inprocRegistry, vmController, handlerRegistry, chaincodeSupport };
}
