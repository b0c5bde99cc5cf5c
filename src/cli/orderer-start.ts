import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../common/config/config-error.js';
import { loadOrdererConfig } from '../common/config/load-orderer-config.js';
import { readPemFile } from '../common/config/pem-file.js';
import type { OrdererConfig } from '../common/config/orderer-config.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { Logging } from '../common/logging/logging.js';
import { defaultCryptoDir, defaultOrdererIdentity, ensureDefaultCrypto } from '../msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../msp/signing-identity.js';
import type { OrdererTls } from '../orderer/orderer-node.js';
import { OrderingService } from '../orderer/ordering-service.js';
import { WEFT_VERSION } from '../version.js';
import { failureText } from './failure-text.js';
import { tuneServerGc } from './server-gc.js';
import { createMetricsProvider, type NodeMetrics } from '../common/metrics/create-metrics-provider.js';
import { newGrpcServerMetrics } from '../comm/grpc-metrics.js';
import { newDeliverMetrics } from '../deliver/deliver-metrics.js';
import { HealthRegistry } from '../operations/health-registry.js';
import { OperationsServer, type OperationsTls } from '../operations/operations-server.js';
import { ORDERER_OPERATIONS_TLS_KEYS, readOperationsTls } from '../operations/operations-tls.js';
import { newBroadcastMetrics, type OrdererMetrics } from '../orderer/orderer-metrics.js';

/** `weft orderer start`: an ordering service node on its own, configured by orderer.yaml and ORDERER_* variables. */
export function addOrdererCommands(program: Command, env: NodeJS.ProcessEnv): void {
  const orderer = program.command('orderer').description('Operate an ordering service node: start');
  orderer
    .command('start')
    .description('Starts the orderer node.')
    .action(async () => {
      tuneServerGc(env, process.execArgv);
      process.exitCode = await runOrdererStart(env);
    });
}

/** Loads the config, starts the orderer, and stops it on SIGINT or SIGTERM. Resolves with the exit code. */
export async function runOrdererStart(env: NodeJS.ProcessEnv): Promise<number> {
  let logging: Logging;
  try {
    logging = new Logging({ spec: env.FABRIC_LOGGING_SPEC ?? '' });
  } catch (err) {
    process.stderr.write(`Error: ${errorMessage(err)} (FABRIC_LOGGING_SPEC)\n`);
    return 1;
  }
  const logger = logging.logger('orderer.common.server');
  // Listened for from the start, so that a signal during start-up still stops the orderer cleanly.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  let node: OrderingService;
  let operations: { stop(): Promise<void> } | undefined;
  let metrics: NodeMetrics | undefined;
  try {
    const config = await loadOrdererConfig({ env });
    const { signer, tlsDir } = await localIdentity(config);
    const operationsTls = await readOperationsTls(config.operations.tls, ORDERER_OPERATIONS_TLS_KEYS);
    metrics = await createMetricsProvider(config.metrics, WEFT_VERSION, logging.logger('orderer.common.metrics'));
    node = await OrderingService.start({
      listenAddress: config.general.listenAddress,
      listenSetting: 'General.ListenAddress, General.ListenPort',
      fileLedgerLocation: config.fileLedger.location,
      signer,
      tls: config.general.tls.enabled ? await loadTls(config, tlsDir) : undefined,
      admin: { listenAddress: config.admin.listenAddress, setting: 'Admin.ListenAddress', enabled: config.channelParticipation.enabled },
      logging,
      version: WEFT_VERSION,
      metrics: metrics === undefined ? undefined : newOrdererMetrics(metrics.provider),
    });
    operations = await startOrdererOperations(config, node, { logging, tls: operationsTls, metrics });
  } catch (err) {
    logger.fatal('Main', failureText(err));
    metrics?.close();
    return 1;
  }
  const signal = await signalled;
  logger.info('Main', `Received signal: ${String(SIGNAL_NUMBERS[signal])} (${SIGNAL_WORDS[signal]})`);
  await operations?.stop();
  await node.stop();
  metrics?.close();
  return 0;
}

/** The orderer's operations service, when Operations.ListenAddress is set; the orderer is stopped when it cannot listen. */
async function startOrdererOperations(
  config: OrdererConfig,
  node: OrderingService,
  opts: { logging: Logging; tls: OperationsTls | undefined; metrics: NodeMetrics | undefined },
): Promise<OperationsServer | undefined> {
  const address = config.operations.listenAddress;
  if (address === undefined) return undefined;
  try {
    return await OperationsServer.start({
      address,
      setting: 'Operations.ListenAddress',
      health: new HealthRegistry(),
      version: WEFT_VERSION,
      logging: opts.logging,
      tls: opts.tls,
      metrics: opts.metrics?.exposition,
      logger: opts.logging.logger('orderer.operations'),
    });
  } catch (err) {
    await node.stop();
    throw err;
  }
}

/** The standalone orderer's metrics, from its provider. */
function newOrdererMetrics(provider: NodeMetrics['provider']): OrdererMetrics {
  return { grpc: newGrpcServerMetrics(provider), broadcast: newBroadcastMetrics(provider), deliver: newDeliverMetrics(provider) };
}

const SIGNAL_NUMBERS: Record<NodeJS.Signals, number> = { SIGINT: 2, SIGTERM: 15 } as Record<NodeJS.Signals, number>;
const SIGNAL_WORDS: Record<NodeJS.Signals, string> = { SIGINT: 'interrupt', SIGTERM: 'terminated' } as Record<NodeJS.Signals, string>;

/**
 * The orderer's signing identity: General.LocalMSPDir, or, when unset, orderer.example.com of the
 * default crypto in the data folder (the parent of FileLedger.Location), made there when missing.
 */
async function localIdentity(config: OrdererConfig): Promise<{ signer: SigningIdentity; tlsDir: string | undefined }> {
  const { localMspDir, localMspId } = config.general;
  if (localMspDir !== undefined) return { signer: await loadSigningIdentity(localMspDir, localMspId), tlsDir: undefined };
  const cryptoDir = defaultCryptoDir(dirname(config.fileLedger.location));
  await ensureDefaultCrypto(cryptoDir);
  const { mspDir, tlsDir } = defaultOrdererIdentity(cryptoDir);
  return { signer: await loadSigningIdentity(mspDir, localMspId), tlsDir };
}

/** General.TLS.* files; those left empty are the default crypto's, when the orderer runs on it. */
async function loadTls(config: OrdererConfig, defaultTlsDir: string | undefined): Promise<OrdererTls> {
  const tls = config.general.tls;
  const orDefault = (key: string, file: string, name: string): string => {
    if (file !== '') return file;
    if (defaultTlsDir !== undefined) return join(defaultTlsDir, name);
    throw new ConfigError('CONFIG_INVALID_VALUE', `${key} must be set when General.TLS.Enabled is true`);
  };
  const keyPem = await readPemFile('General.TLS.PrivateKey', orDefault('General.TLS.PrivateKey', tls.privateKey, 'server.key'), 'private key');
  const certPem = await readPemFile('General.TLS.Certificate', orDefault('General.TLS.Certificate', tls.certificate, 'server.crt'), 'certificate');
  if (!tls.clientAuthRequired) return { keyPem, certPem };
  // Without ClientRootCAs, clients of the orderer's own TLS CA are trusted.
  const ownRoots = tls.rootCAs.length > 0 || defaultTlsDir === undefined ? tls.rootCAs : [join(defaultTlsDir, 'ca.crt')];
  const files = tls.clientRootCAs.length > 0 ? tls.clientRootCAs : ownRoots;
  const pems = await Promise.all(files.map((file) => readPemFile('General.TLS.ClientRootCAs', file, 'certificate')));
  if (pems.length === 0) throw new ConfigError('CONFIG_INVALID_VALUE', 'General.TLS.ClientRootCAs must name a file when General.TLS.ClientAuthRequired is true');
  return { keyPem, certPem, clientRootCasPem: Buffer.concat(pems.flatMap((pem) => [pem, Buffer.from('\n')])) };
}

