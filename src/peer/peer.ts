import { join } from 'node:path';
import { ChaincodeSupportInvoker } from '../chaincode/chaincode-support-invoker.js';
import { builtInProfile } from '../channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../channelconfig/config-block.js';
import type { ChaincodeSupport } from '../chaincode/chaincode-support.js';
import { PackageStore } from '../chaincode/package-store.js';
import { caCertGenerator } from '../chaincode/tls/ca-cert-generator.js';
import { startChaincodeServer } from '../comm/chaincode-server.js';
import type { GrpcListener } from '../comm/grpc-listener.js';
import { ClientRootsProvider } from '../comm/client-roots-provider.js';
import { startPeerServer, type PeerServerOptions } from '../comm/peer-server.js';
import type { CoreConfig } from '../common/config/core-config.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger, Logging } from '../common/logging/logging.js';
import { CCAAS_CONTAINER_TYPE } from '../container/ccaas/ccaas-vm-provider.js';
import { INPROC_CONTAINER_TYPE } from '../container/inproc/inproc-registry.js';
import { Endorser } from '../endorser/endorser.js';
import { CouchStateDbProvider, KvLedgerProvider, type KvLedgerProviderOptions, type LedgerManager, type PeerLedger } from '../ledger/index.js';
import { defaultCryptoDir, ensureDefaultCrypto } from '../msp/default-identities.js';
import type { Identity } from '../msp/identity.js';
import { HealthRegistry } from '../operations/health-registry.js';
import { OperationsServer, type OperationsTls } from '../operations/operations-server.js';
import { RecentTransactions } from '../operations/live-status.js';
import { ConversationTrace } from '../operations/trace/conversation-trace.js';
import { createPeerMetrics, type PeerMetrics } from './peer-metrics.js';
import { PEER_OPERATIONS_TLS_KEYS, readOperationsTls } from '../operations/operations-tls.js';
import { parseTransaction } from '../ledger/tx-envelope.js';
import { validationCodeName } from '../common/protos/orderer.js';
import { Cscc } from '../scc/cscc/cscc.js';
import { LifecycleScc } from '../scc/lifecycle/lifecycle-scc.js';
import { LsccCollectionStore, type StaticCollectionSource } from '../scc/lscc/collection-config.js';
import { LifecycleCollections } from '../scc/lifecycle/lifecycle-collections.js';
import { LifecycleDefinitionSource } from '../scc/lifecycle/lifecycle-definition-source.js';
import { ccidOfPackage, LifecyclePackages } from '../chaincode/persistence/lifecycle-packages.js';
import type { CCID } from '../container/ccintf.js';
import { EXTERNAL_CONTAINER_TYPE } from '../container/externalbuilder/external-vm-provider.js';
import { PeerEndorsementInfo } from './endorsement-info-source.js';
import { lifecycleChannelOf, packageReferences } from './lifecycle-wiring.js';
import { Lscc } from '../scc/lscc/lscc.js';
import { loadPluginSysCCs, type ModuleImporter } from '../scc/plugin-loader.js';
import { Qscc } from '../scc/qscc/qscc.js';
import { SccProvider } from '../scc/scc-provider.js';
import { ChaincodeDefinitions } from './chaincode-definitions.js';
import { createChaincodeStack } from './chaincode-stack.js';
import { ChannelManager } from './channel-manager.js';
import { ChannelRegistry } from './channel-registry.js';
import { LsccCollectionAccess } from './collection-access.js';
import { listenerTlsOf, type PeerTls } from './peer-tls.js';
import { AccessControl } from './access-control.js';
import { loadPeerIdentity } from './local-identity.js';
import { createUserVMs } from './user-vms.js';
import { ChannelCommitters } from './channel-committers.js';
import { PackageIndexSource } from './package-index-source.js';
import { startEmbeddedOrderer, type RunningEmbeddedOrderer } from './embedded-orderer.js';
import { LsccDefinitionSource } from '../chaincode/lscc-definition-source.js';
import { CachedDefinitionSource } from '../chaincode/cached-definition-source.js';
import { ChannelBundle } from '../channel/channel-bundle.js';
import { PeerDeliverService } from '../deliver/deliver-service.js';
import type { Block } from '../common/protos/common.js';
import type { ProposalResponse, SignedProposal } from '../common/protos/proposal.js';
import type { Server } from '@grpc/grpc-js';
import { CommitFinder } from '../gateway/commit-finder.js';
import type { EmbeddedBroadcaster } from '../gateway/orderers.js';
import { createPeerGateway } from './peer-gateway.js';
import { dialAddress } from '../comm/dial-address.js';
import { logApplicationSettings } from './application-settings.js';

export interface PeerOptions {
  config: CoreConfig;
  logging: Logging;
  /** The peer's version; system chaincodes run as this version, as in Fabric. */
  version: string;
  /** Channels to be on once started: created when new, loaded when already on disk. */
  join?: readonly string[];
  /**
   * The Application capability of the channels `join` creates (the built-in profile's V2_5 by
   * default): V1_4_x keeps the 1.4 lifecycle (lscc), V2_0 and later bring `_lifecycle`.
   */
  joinApplicationCapability?: string;
  /** Base of relative plugin paths when core.yaml is the embedded one. */
  cwd?: string;
  /** How plugin modules are imported. */
  importModule?: ModuleImporter;
  /**
   * The files of a package this peer runs without having it installed (dev mode: `weft dev` gives
   * its project's folder), for the indexes under its META-INF; undefined for any other.
   */
  uninstalledPackageRoot?: (packageId: string) => string | undefined;
}

/** What start-up has built so far, taken down in reverse when start-up fails or the peer stops. */
interface Parts {
  sccProvider: SccProvider;
  /** Its pending launches are failed first thing at stop. */
  chaincodeSupport: ChaincodeSupport;
  /** The VMs of user chaincode, each stopping what it runs. */
  userVMs: Array<{ stopAll(timeoutMs: number): Promise<void> }>;
  listeners: Array<Promise<GrpcListener>>;
  ledgers: Promise<LedgerManager>;
  operations?: OperationsServer;
  committers?: ChannelCommitters;
  orderer?: RunningEmbeddedOrderer;
  /** The Gateway's clients of other peers and orderers. */
  gateway?: { close(): void };
  metrics?: PeerMetrics | undefined;
}

/**
 * The composition root: builds every part of the peer in the order Fabric's `peer node start`
 * does, and takes them down in reverse.
 */
export class Peer {
  private stopped = false;

  private constructor(
    private readonly logger: Logger,
    private readonly parts: Parts,
    private readonly channelManager: ChannelManager,
    /** The chaincode listener and the peer listener, bound. */
    readonly listeners: { chaincode: GrpcListener; peer: GrpcListener },
    readonly chaincodeSupport: ChaincodeSupport,
  ) {}

  static async start(opts: PeerOptions): Promise<Peer> {
    const { config, logging } = opts;
    const logger = logging.logger('nodeCmd');
    logger.info('serve', `Starting peer:\n Version: ${opts.version}\n Node.js: ${process.version}\n OS/Arch: ${process.platform}/${process.arch}`);

    // Read before anything is built, so that a missing identity or a TLS misconfiguration stops
    // start-up with nothing to undo.
    const identity = await loadPeerIdentity(config, logger);
    const { peer: tls, chaincode: chaincodeTls, tlsContainerTypes } = await listenerTlsOf(config, identity.tls);
    const operationsTlsFiles = await readOperationsTls(config.operations.tls, PEER_OPERATIONS_TLS_KEYS);
    let chaincodeAddress: string | undefined;
    // With no peer.chaincodeAddress, chaincodes dial the listener where it actually bound.
    const peerAddress = (): string => config.peer.chaincodeAddress ?? chaincodeAddress ?? config.peer.chaincodeListenAddress;
    let packageStore: PackageStore | undefined;
    let lifecyclePackages: LifecyclePackages | undefined;
    const health = new HealthRegistry();
    const metrics = await createPeerMetrics(config.metrics, opts.version, logging.logger('metrics'));
    // Each module's metrics, undefined with metrics off.
    const measured: Partial<PeerMetrics> = metrics ?? {};
    const trace = conversationTrace(config);
    const vms = await createUserVMs({
      config,
      logging,
      sourceDir: (ccid) => lifecyclePackages?.sourceDir(ccid) ?? packageStore?.sourceDir(ccid),
      peerAddress,
      health,
    });
    const { ccaas } = vms;
    const containerTypeOf = (name: string, version: string): string =>
      packageStore?.get(name, version)?.service === true ? CCAAS_CONTAINER_TYPE : vms.userType;
    // A `_lifecycle` package (CCID: label and hash) is dialled when it is a service; else run as configured.
    const packageContainerType = (ccid: CCID, lifecycle: boolean): string => {
      if (!lifecycle) return containerTypeOf(ccid.name, ccid.version);
      const kind = lifecyclePackages?.kind(ccid);
      if (kind === 'external') return vms.external.isChaincodeServer(ccid) ? CCAAS_CONTAINER_TYPE : EXTERNAL_CONTAINER_TYPE;
      return kind === 'service' ? CCAAS_CONTAINER_TYPE : vms.userType;
    };
    const certGenerator = chaincodeTls === undefined ? undefined : caCertGenerator({ issuer: chaincodeTls.chaincodeCa, rootCertPem: chaincodeTls.rootCertPem });
    const channels = new ChannelRegistry();
    // Private data collections as `_lifecycle` or lscc define them; this peer keeps the values of its organisation's ones.
    const collections = new LifecycleCollections(config.peer.localMspId, new LsccCollectionStore(config.peer.localMspId));
    const collectionAccess = new LsccCollectionAccess({ store: collections, ledgers: channels });
    const stack = createChaincodeStack({
      chaincode: config.chaincode,
      peerAddress,
      vmProviders: vms.providers,
      certGenerator,
      tlsContainerTypes,
      collectionAccess,
      localMspId: config.peer.localMspId,
      totalQueryLimit: config.ledger.totalQueryLimit,
      metrics: measured.chaincode,
      trace,
      logging,
    });
    const { chaincodeSupport, inprocRegistry } = stack;
    ccaas.attach(chaincodeSupport);

    // One source of definitions for the endorser, the Gateway and cc2cc calls: `_lifecycle`'s, else lscc's; read once per block.
    const definitions = new CachedDefinitionSource(
      new LifecycleDefinitionSource({ ledgers: channels, localMspId: config.peer.localMspId, legacy: new LsccDefinitionSource({ ledgers: channels }), withApproval: true }),
    );
    // The indexes chaincode packages declare, for the ledgers' rich queries.
    const indexSource = new PackageIndexSource({
      definitions,
      packageRoot: (definition) => {
        if (definition.sequence === undefined) return packageStore?.packageRoot({ name: definition.name, version: definition.version });
        const packageId = definition.approvedPackageId;
        const ccid = packageId === undefined ? undefined : ccidOfPackage(packageId);
        const installed = ccid === undefined ? undefined : lifecyclePackages?.packageRoot(ccid);
        return installed ?? (packageId === undefined ? undefined : opts.uninstalledPackageRoot?.(packageId));
      },
      logger: logging.logger('statecouchdb'),
    });
    // The ledgers open (on LevelDB's threads) while the system chaincodes deploy and gRPC loads.
    const ledgers = startLedgers(config, logging, health, { collections, indexes: (channelId) => indexSource.forChannel(channelId), metrics: measured.ledger });
    const packages = PackageStore.open({ root: join(config.peer.fileSystemPath, 'chaincodes') });
    const lifecyclePackagesOpening = LifecyclePackages.open({
      root: join(config.peer.fileSystemPath, 'lifecycle', 'chaincodes'),
      externalBuilders: {
        build: async (packageId, pkg) => {
          const built = await vms.externalBuilders.build(packageId, { metadataJson: JSON.stringify(pkg.metadata), codePackage: pkg.codePackage });
          return built === undefined ? undefined : { builder: built.builder.name };
        },
        restore: async (packageId) => (await vms.externalBuilders.restore(packageId)) !== undefined,
      },
      build: vms.prebuild,
      logger: logging.logger('lifecycle'),
    });
    const sccProvider = new SccProvider({
      registrar: inprocRegistry,
      chaincodeProvider: chaincodeSupport,
      ledgers: channels,
      whitelist: config.chaincode.system,
      version: opts.version,
      containerType: INPROC_CONTAINER_TYPE,
      logger: logging.logger('sccapi'),
    });
    const cryptoDir = defaultCryptoDir(config.peer.fileSystemPath);
    const channelManager = new ChannelManager({
      channels,
      deployer: sccProvider,
      // `--join`: a channel of the built-in profile (test-network's), over the default organisations' crypto.
      genesisBlock: async (channelId) => {
        await ensureDefaultCrypto(cryptoDir);
        // The embedded orderer joins it in startCommitting, as for any channel the peer has only the genesis block of.
        return genesisBlockOfProfile(builtInProfile(cryptoDir, opts.joinApplicationCapability), channelId);
      },
      onChannel: (ledger, configBlock) => startCommitting(parts, ledger, configBlock),
      logging,
    });
    const clientRoots = tls === undefined ? undefined : clientRootsOf(tls, identity.msp, channels);
    const access = new AccessControl({ channels, localMsp: identity.msp, localMspId: config.peer.localMspId, logger: logging.logger('aclmgmt') });
    const endorsementInfo = new PeerEndorsementInfo({
      definitions,
      installed: (packageId) => lifecyclePackages?.get(packageId) !== undefined,
      containerTypeOf: packageContainerType,
      devMode: config.chaincode.mode === 'dev',
    });
    // Chaincode-to-chaincode calls reach running chaincodes: system ones at the peer's version.
    const invoker = new ChaincodeSupportInvoker({
      support: chaincodeSupport,
      ledgers: channels,
      version: (name) => (sccProvider.isSysCC(name) ? opts.version : (stack.handlerRegistry.registeredVersion(name) ?? '')),
      // A user chaincode not yet running is launched from its definition, as for a proposal.
      containerInfo: async (name, state, channelId) => {
        if (sccProvider.isSysCC(name)) return undefined;
        return (await endorsementInfo.endorsementInfo(channelId, name, state))?.ccci;
      },
      checkCallAccess: (target, signedProposal) => {
        if (!sccProvider.isSysCC(target.name)) access.checkACL('peer/ChaincodeToChaincode', target.channelId, signedProposal);
      },
    });
    chaincodeSupport.attachInvoker(invoker, sccProvider);
    const parts: Parts = { sccProvider, chaincodeSupport, userVMs: vms.stoppable, listeners: [], ledgers, metrics };
    // Each is awaited below or in takeDown; observed here so that no failure goes unhandled meanwhile.
    ledgers.catch(() => undefined);
    packages.catch(() => undefined);
    lifecyclePackagesOpening.catch(() => undefined);

    try {
      // Relative plugin paths are taken from core.yaml's folder, as Fabric takes file paths in it.
      const plugins = await loadPluginSysCCs(config.chaincode.systemPlugins, config.configDir ?? opts.cwd ?? process.cwd(), opts.importModule);
      packageStore = await packages;
      lifecyclePackages = await lifecyclePackagesOpening;
      const definitionReader = new ChaincodeDefinitions(channels);
      const builtIns = [
        new Lscc({
          packages: packageStore,
          definitions: definitionReader,
          acl: access,
          logger: logging.logger('lscc'),
          applicationMspIds: (channelId) => channels.getBundle(channelId)?.config.applicationOrgs.map((org) => org.mspId) ?? [],
          applicationCapabilities: (channelId) => channels.getBundle(channelId)?.config.capabilities.application ?? [],
        }),
        new Cscc({ channels: channelManager, acl: access, logger: logging.logger('cscc') }),
        new Qscc({ ledgers: channels, acl: access, logger: logging.logger('qscc') }),
        new LifecycleScc({
          localMspId: config.peer.localMspId,
          packages: lifecyclePackages,
          channel: (channelId) => lifecycleChannelOf(channels.getBundle(channelId)),
          definedNamespaces: (channelId) => definitionReader.lifecycleNamespaces(channelId),
          references: (packageId) => packageReferences(packageId, channels.channelIds(), definitionReader, definitions),
          acl: access,
          logger: logging.logger('lifecycle'),
        }),
      ];
      for (const scc of [...builtIns, ...plugins]) sccProvider.registerSysCC(scc);

      await sccProvider.deploySysCCs('');
      logger.info('serve', 'Deployed system chaincodes');

      const grpcLogger = logging.logger('comm.grpc.server');
      const endorser = new Endorser<Identity>({
        chaincodes: chaincodeSupport,
        systemChaincodes: sccProvider,
        ledgers: channels,
        channelIdentities: (channelId) => channels.getBundle(channelId)?.msps,
        localIdentities: identity.msp,
        access,
        signer: identity.signer,
        sysCCVersion: opts.version,
        containerTypeOf,
        endorsementInfo,
        // The committer checks this peer's own endorsements as any other; what the peer signed itself it need not verify.
        onEndorsed: (channelId, { endorser, message, signature }) => parts.committers?.noteOwnEndorsement(channelId, endorser, message, signature),
        metrics: measured.endorser,
        logger: logging.logger('endorser'),
      });
      if (config.peer.orderer.enabled) {
        // The peer's ledgers first: a data folder another peer holds is reported as the peer's, not its orderer's.
        await ledgers;
        parts.orderer = await startEmbeddedOrderer({ config, cryptoDir, logging, version: opts.version });
      }
      const recent = recentTransactions(config);
      const { services } = commitAndServe({ parts, identity, tls, config, channels, access, endorser, collections, definitions, metrics, recent, logging });
      const { chaincodeListener, peerListener } = startListeners({
        config,
        tls: { peer: tls, chaincode: chaincodeTls },
        clientRoots,
        chaincodeSupport,
        endorser,
        atomicBroadcast: parts.orderer?.service.node.atomicBroadcast,
        services,
        metrics: measured.grpc,
        logger: grpcLogger,
      });
      parts.listeners.push(chaincodeListener, peerListener);
      for (const listener of parts.listeners) listener.catch(() => undefined);
      const operationsAddress = config.operations.listenAddress;
      if (operationsAddress !== undefined) {
        parts.operations = await startOperations({
          address: operationsAddress,
          config,
          tls: operationsTlsFiles,
          version: opts.version,
          health,
          logging,
          metrics,
          trace,
          recent,
          channels: channelManager,
          chaincodes: chaincodeSupport,
        });
      }

      await channelManager.loadAll(await ledgers);
      for (const channelId of opts.join ?? []) {
        if (!channelManager.has(channelId)) await channelManager.create(channelId);
      }

      const bound = { chaincode: await chaincodeListener, peer: await peerListener };
      // A wildcard listener is dialled on this machine's loopback, which the peer's TLS certificate names.
      chaincodeAddress = dialAddress(bound.chaincode.address);
      logListening(grpcLogger, bound, tls, chaincodeTls);
      logApplicationSettings(logger, config, bound.peer.address, identity.tls.rootCertFile);
      const peer = new Peer(logger, parts, channelManager, bound, chaincodeSupport);
      logger.info(
        'serve',
        `Started peer with ID=[${config.peer.id}], network ID=[${config.peer.networkId}], address=[${config.peer.address}]`,
      );
      return peer;
    } catch (err) {
      await takeDown(parts, logger);
      throw err;
    }
  }

  channelIds(): string[] {
    return this.channelManager.channelIds();
  }

  /** The ledger of a channel the peer is on. */
  getLedger(channelId: string): PeerLedger | undefined {
    return this.channelManager.getLedger(channelId);
  }

  /** Stops the listeners, every chaincode, and the ledgers. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await takeDown(this.parts, this.logger);
    this.logger.info('stop', 'Peer stopped');
  }
}

interface CommitAndServeOptions {
  parts: Parts;
  identity: Awaited<ReturnType<typeof loadPeerIdentity>>;
  tls: PeerTls | undefined;
  config: CoreConfig;
  channels: ChannelRegistry;
  access: AccessControl;
  endorser: { processProposal(signed: SignedProposal, options?: { endorse?: boolean }): Promise<ProposalResponse> };
  collections: StaticCollectionSource;
  /** Definitions as the endorser reads them, forgotten at each commit. */
  definitions: CachedDefinitionSource;
  metrics: PeerMetrics | undefined;
  recent: RecentTransactions | undefined;
  logging: Logging;
}

/**
 * The channels' committers, which pull blocks from the orderers, and the services on the peer's
 * listener that follow what they commit: Deliver, and the Gateway (unless peer.gateway.enabled is false).
 */
function commitAndServe(opts: CommitAndServeOptions): { services: Array<{ addTo(server: Server): Promise<void> }> } {
  const { parts, tls, config, channels, access, logging } = opts;
  const finder = new CommitFinder((channelId) => channels.getLedger(channelId));
  const { definitions } = opts;
  const committers = new ChannelCommitters({
    signer: opts.identity.signer,
    tls: tls === undefined ? undefined : { certPem: tls.certPem, keyPem: tls.keyPem },
    deliveryClient: config.peer.deliveryClient,
    embeddedOrderer: () => parts.orderer,
    // The validator reads definitions as committed, uncached: each block's as of the block before it.
    definitions: new LifecycleDefinitionSource({ ledgers: channels, localMspId: config.peer.localMspId, legacy: new LsccDefinitionSource({ ledgers: channels }) }),
    onConfig: (channelId, block) => {
      channels.updateBundle(channelId, ChannelBundle.fromBlock(block));
    },
    onCommitted: (channelId, block, codes) => {
      definitions.invalidate(channelId);
      finder.notifyCommitted(channelId, block, codes);
      if (opts.recent !== undefined) noteRecent(opts.recent, channelId, block, codes);
    },
    logging,
  });
  parts.committers = committers;
  const deliver = new PeerDeliverService({
    chains: (channelId) => committers.reader(channelId),
    checkACL: (resource, channelId, envelope) => {
      access.checkEnvelopeACL(resource, channelId, envelope);
    },
    configSequence: (channelId) => channels.getBundle(channelId)?.config.sequence ?? 0,
    metrics: opts.metrics?.deliver,
    logger: logging.logger('common.deliver'),
  });
  const gateway = createPeerGateway({
    config: config.peer.gateway,
    localMspId: config.peer.localMspId,
    address: config.peer.address,
    endorser: opts.endorser,
    channels,
    committers,
    finder,
    chains: (channelId) => committers.reader(channelId),
    embeddedOrderer: () => embeddedBroadcaster(parts.orderer),
    definitions,
    collections: opts.collections,
    access,
    tls: tls === undefined ? undefined : { certPem: tls.certPem, keyPem: tls.keyPem },
    metrics: opts.metrics?.gateway,
    logging,
  });
  if (gateway === undefined) return { services: [deliver] };
  parts.gateway = gateway;
  return { services: [deliver, gateway.service] };
}

/**
 * A channel's commit pipeline, once the peer is on it. A channel whose genesis block is all the
 * peer has, and that the embedded orderer does not serve yet, is joined to it first.
 */
async function startCommitting(parts: Parts, ledger: PeerLedger, configBlock: Block): Promise<void> {
  const orderer = parts.orderer;
  if (orderer !== undefined && !orderer.serves(ledger.channelId) && (await ledger.getBlockchainInfo()).getHeight() === 1) {
    await orderer.service.registrar.joinChannel(await ledger.getBlockByNumber(0));
  }
  await parts.committers?.start(ledger, configBlock);
}

interface OperationsOptions {
  address: string;
  config: CoreConfig;
  tls: OperationsTls | undefined;
  version: string;
  health: HealthRegistry;
  logging: Logging;
  metrics: PeerMetrics | undefined;
  trace: ConversationTrace | undefined;
  recent: RecentTransactions | undefined;
  channels: ChannelManager;
  chaincodes: ChaincodeSupport;
}

/** The operations service: health, version, log spec, and the metrics, trace and live page the peer keeps. */
async function startOperations(opts: OperationsOptions): Promise<OperationsServer> {
  const { config, channels, trace } = opts;
  return OperationsServer.start({
    address: opts.address,
    health: opts.health,
    version: opts.version,
    logging: opts.logging,
    tls: opts.tls,
    metrics: opts.metrics?.exposition,
    trace,
    status: async () => ({
      peer: { id: config.peer.id, mspId: config.peer.localMspId, version: opts.version },
      channels: await Promise.all(
        channels.channelIds().map(async (id) => ({ id, height: (await channels.getLedger(id)?.getBlockchainInfo())?.getHeight() ?? 0 })),
      ),
      chaincodes: opts.chaincodes.running(),
      transactions: opts.recent?.list() ?? [],
      tracing: trace !== undefined,
    }),
    logger: opts.logging.logger('operations'),
  });
}

/** The conversation trace, when chaincode.trace.enabled (or --trace) asks for it. */
function conversationTrace(config: CoreConfig): ConversationTrace | undefined {
  return config.chaincode.trace.enabled ? new ConversationTrace({ size: config.chaincode.trace.size }) : undefined;
}

/** The live page's list of recent transactions, kept only when there is an operations service to show it. */
function recentTransactions(config: CoreConfig): RecentTransactions | undefined {
  return config.operations.listenAddress === undefined ? undefined : new RecentTransactions();
}

/** Notes a committed block's transactions for the live page. */
function noteRecent(recent: RecentTransactions, channelId: string, block: Block, codes: readonly number[]): void {
  const number = block.getHeader()?.getNumber() ?? 0;
  const committedAt = Date.now();
  block.getData()?.getDataList_asU8().forEach((envelope, i) => {
    const txid = parseTransaction(envelope, channelId).txId;
    recent.add({ channel: channelId, block: number, txid, code: validationCodeName(codes[i] ?? 0), committedAt });
  });
}

/**
 * The peer's ledgers, with their state in LevelDB or, as core.yaml says, in CouchDB; a CouchDB
 * server must answer before any channel's state is opened.
 */
async function startLedgers(
  config: CoreConfig,
  logging: Logging,
  health: HealthRegistry,
  parts: Pick<KvLedgerProviderOptions, 'collections' | 'indexes' | 'metrics'>,
): Promise<KvLedgerProvider> {
  const couchDB =
    config.ledger.stateDatabase === 'CouchDB'
      ? await CouchStateDbProvider.start({ ...config.ledger.couchDB, internalQueryLimit: config.ledger.internalQueryLimit }, logging.logger('statecouchdb'))
      : undefined;
  if (couchDB !== undefined) health.register('couchdb', couchDB);
  return KvLedgerProvider.start({
    ...parts,
    rootPath: config.peer.fileSystemPath,
    openState: couchDB === undefined ? undefined : (channelId, height) => couchDB.open(channelId, height),
    totalQueryLimit: config.ledger.totalQueryLimit,
    internalQueryLimit: config.ledger.internalQueryLimit,
    transientRetentionBlocks: config.peer.transientstoreMaxBlockRetention,
    logger: logging.logger('kvledger'),
  });
}

/** The embedded orderer as the Gateway submits to it: in-process. */
function embeddedBroadcaster(orderer: RunningEmbeddedOrderer | undefined): EmbeddedBroadcaster | undefined {
  if (orderer === undefined) return undefined;
  return {
    address: orderer.address,
    serves: (channelId) => orderer.serves(channelId),
    processMessage: (envelope, addr) => orderer.service.node.broadcaster.processMessage(envelope, addr),
  };
}

interface ListenersOptions {
  config: CoreConfig;
  /** The client-facing listener's TLS (peer.tls) and the chaincode listener's (the same, or launched chaincodes' alone). */
  tls: { peer: PeerTls | undefined; chaincode: PeerTls | undefined };
  clientRoots: ClientRootsProvider | undefined;
  chaincodeSupport: ChaincodeSupport;
  endorser: PeerServerOptions['endorser'];
  atomicBroadcast: PeerServerOptions['atomicBroadcast'];
  services: PeerServerOptions['services'];
  metrics: PeerServerOptions['metrics'];
  logger: Logger;
}

/** The chaincode listener and the peer's client-facing one, binding. */
function startListeners(opts: ListenersOptions): { chaincodeListener: Promise<GrpcListener>; peerListener: Promise<GrpcListener> } {
  const { config, logger } = opts;
  const { peer: tls, chaincode: chaincodeTls } = opts.tls;
  // Fabric applies the same gRPC limits to the chaincode listener as to the peer's own.
  const limits = { maxRecvMsgSize: config.peer.maxRecvMsgSize, maxSendMsgSize: config.peer.maxSendMsgSize };
  const chaincodeListener = startChaincodeServer({
    address: config.peer.chaincodeListenAddress,
    setting: 'peer.chaincodeListenAddress',
    register: (stream) => opts.chaincodeSupport.register(stream),
    tls: chaincodeTls === undefined ? undefined : { keyPem: chaincodeTls.keyPem, certPem: chaincodeTls.certPem, clientCaPem: Buffer.from(chaincodeTls.chaincodeCa.certPem) },
    limits,
    logger,
  });
  const peerListener = startPeerServer({
    address: config.peer.listenAddress,
    setting: 'peer.listenAddress',
    endorser: opts.endorser,
    atomicBroadcast: opts.atomicBroadcast,
    services: opts.services,
    tls: tls === undefined ? undefined : { keyPem: tls.keyPem, certPem: tls.certPem, clientRoots: opts.clientRoots },
    limits,
    metrics: opts.metrics,
    logger,
  });
  return { chaincodeListener, peerListener };
}

function logListening(logger: Logger, bound: { chaincode: GrpcListener; peer: GrpcListener }, tls: PeerTls | undefined, chaincodeTls: PeerTls | undefined): void {
  logger.info('start', `Chaincode server listening on ${bound.chaincode.address}${chaincodeTls === undefined ? '' : ' (TLS, chaincode client certificates required)'}`);
  logger.info('start', `Peer server listening on ${bound.peer.address}${tls === undefined ? '' : tls.clientAuthRequired ? ' (TLS, client certificates required)' : ' (TLS)'}`);
}

/**
 * With client authentication, clients of every organisation of the peer's channels are trusted at
 * the handshake, as in Fabric: the roots grow as channels are joined.
 */
function clientRootsOf(tls: PeerTls, localMsp: LocalTlsRoots, channels: ChannelRegistry): ClientRootsProvider | undefined {
  if (!tls.clientAuthRequired) return undefined;
  const roots = new ClientRootsProvider({ certificate: tls.certPem, privateKey: tls.keyPem }, trustedClientRoots(tls.clientRootCasPem, localMsp, channels));
  channels.onAdd(() => {
    roots.setRoots(trustedClientRoots(tls.clientRootCasPem, localMsp, channels));
  });
  return roots;
}

interface LocalTlsRoots {
  tlsRootCerts: readonly Uint8Array[];
  tlsIntermediateCerts: readonly Uint8Array[];
}

/** peer.tls.clientRootCAs.files and the peer's root, then the TLS CAs of the local MSP and of every channel's organisations (PEM). */
function trustedClientRoots(configured: Buffer, localMsp: LocalTlsRoots, channels: ChannelRegistry): Buffer {
  const certs = [configured, ...localMsp.tlsRootCerts, ...localMsp.tlsIntermediateCerts, ...channels.allBundles().flatMap((bundle) => bundle.tlsCaCerts)];
  return Buffer.concat(certs.flatMap((pem) => [Buffer.from(pem), Buffer.from('\n')]));
}

// How long a chaincode process has to end after SIGTERM before it is killed.
const CHAINCODE_STOP_TIMEOUT_MS = 5000;

async function takeDown(parts: Parts, logger: Logger): Promise<void> {
  // Proposals waiting on a launch are answered before the listeners close, not left to the startup timeout.
  parts.chaincodeSupport.failPendingLaunches();
  // Chaincode streams are ended at once: the chaincodes go down with the peer, and a chaincode
  // started by hand in dev mode would otherwise hold the listener open.
  const [chaincodeListener, ...others] = parts.listeners;
  await (await chaincodeListener?.catch(() => undefined))?.stop(0);
  for (const listening of others) {
    const listener = await listening.catch(() => undefined);
    await listener?.stop();
  }
  await parts.committers?.stopAll();
  parts.gateway?.close();
  await parts.orderer?.service.stop().catch((err: unknown) => logger.error('stop', `stopping the orderer: ${errorMessage(err)}`));
  await parts.operations?.stop();
  parts.metrics?.close();
  await Promise.all(parts.userVMs.map((vm) => vm.stopAll(CHAINCODE_STOP_TIMEOUT_MS).catch((err: unknown) => logger.error('stop', `stopping chaincodes: ${errorMessage(err)}`))));
  await parts.sccProvider.deDeployAll();
  const ledgers = await parts.ledgers.catch(() => undefined);
  await ledgers?.close().catch((err: unknown) => logger.error('stop', `closing ledgers: ${errorMessage(err)}`));
}
