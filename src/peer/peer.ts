import type { ChaincodeSupport } from '../chaincode/chaincode-support.js';
import type { CoreConfig } from '../common/config/core-config.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger, Logging } from '../common/logging/logging.js';
import { startChaincodeServer } from '../comm/chaincode-server.js';
import type { GrpcListener } from '../comm/grpc-listener.js';
import { INPROC_CONTAINER_TYPE } from '../container/inproc/inproc-registry.js';
import { KvLedgerProvider } from '../ledger/kv-ledger-provider.js';
import type { LedgerManager } from '../ledger/ledger.js';
import { Cscc } from '../scc/cscc/cscc.js';
import { LifecycleScc } from '../scc/lifecycle/lifecycle-scc.js';
import { Lscc } from '../scc/lscc/lscc.js';
import { loadPluginSysCCs, type ModuleImporter } from '../scc/plugin-loader.js';
import { Qscc } from '../scc/qscc/qscc.js';
import { SccProvider } from '../scc/scc-provider.js';
import { ChannelRegistry } from './channel-registry.js';
import { createChaincodeStack } from './chaincode-stack.js';

export interface PeerOptions {
  config: CoreConfig;
  logging: Logging;
  /** The peer's version; system chaincodes run as this version, as in Fabric. */
  version: string;
  /** Channels to be on once started: created when new, loaded when already on disk. */
  join?: readonly string[];
  /** Base of relative plugin paths when core.yaml is the embedded one. */
  cwd?: string;
  /** How plugin modules are imported. */
  importModule?: ModuleImporter;
}

/**
 * The composition root: builds every part of the peer in the order Fabric's `peer node start`
 * does, and takes them down in reverse.
 */
export class Peer {
  private stopped = false;

  private constructor(
    readonly config: CoreConfig,
    private readonly logger: Logger,
    private readonly ledgers: LedgerManager,
    private readonly channels: ChannelRegistry,
    private readonly sccProvider: SccProvider,
    private readonly chaincodeServer: GrpcListener,
    readonly chaincodeSupport: ChaincodeSupport,
  ) {}

  static async start(opts: PeerOptions): Promise<Peer> {
    const { config, logging } = opts;
    const logger = logging.logger('nodeCmd');
    logger.info('serve', `Starting peer:\n Version: ${opts.version}\n Node.js: ${process.version}\n OS/Arch: ${process.platform}/${process.arch}`);

    let boundAddress: string | undefined;
    const stack = createChaincodeStack({
      chaincode: config.chaincode,
      // With no peer.chaincodeAddress, chaincodes dial the listener where it actually bound.
      peerAddress: () => config.peer.chaincodeAddress ?? boundAddress ?? config.peer.chaincodeListenAddress,
      logging,
    });
    const { chaincodeSupport, inprocRegistry } = stack;

    // The ledgers open (on LevelDB's threads) while the system chaincodes deploy and gRPC loads.
    const ledgersOpening = KvLedgerProvider.start({ rootPath: config.peer.fileSystemPath });
    // Observed here so that a failure is reported once, below, and never as unhandled.
    ledgersOpening.catch(() => undefined);

    const channels = new ChannelRegistry();
    const sccProvider = new SccProvider({
      registrar: inprocRegistry,
      chaincodeProvider: chaincodeSupport,
      ledgers: channels,
      whitelist: config.chaincode.system,
      version: opts.version,
      containerType: INPROC_CONTAINER_TYPE,
      logger: logging.logger('sccapi'),
    });

    let ledgers: LedgerManager | undefined;
    let server: GrpcListener | undefined;
    let serverStarting: Promise<GrpcListener> | undefined;
    try {
      // Relative plugin paths are taken from core.yaml's folder, as Fabric takes file paths in it.
      const plugins = await loadPluginSysCCs(config.chaincode.systemPlugins, config.configDir ?? opts.cwd ?? process.cwd(), opts.importModule);
      const builtIns = [
        new Lscc(),
        new Cscc({ channels, logger: logging.logger('cscc') }),
        new Qscc({ ledgers: channels, logger: logging.logger('qscc') }),
        new LifecycleScc(),
      ];
      for (const scc of [...builtIns, ...plugins]) sccProvider.registerSysCC(scc);

      await sccProvider.deploySysCCs('');
      logger.info('serve', 'Deployed system chaincodes');

      serverStarting = startChaincodeServer({
        address: config.peer.chaincodeListenAddress,
        register: (stream) => chaincodeSupport.register(stream),
        logger: logging.logger('comm.grpc.server'),
      });
      serverStarting.catch(() => undefined);

      ledgers = await ledgersOpening;
      const peerLogger = logging.logger('peer');
      const ledgerLogger = logging.logger('ledgermgmt');
      const onDisk = await ledgers.list();
      for (const channelId of onDisk) {
        peerLogger.info('Initialize', `Loading chain ${channelId}`);
        channels.add(await ledgers.open(channelId));
        await sccProvider.deploySysCCs(channelId);
      }
      for (const channelId of opts.join ?? []) {
        if (channels.has(channelId)) continue;
        ledgerLogger.info('CreateLedger', `Creating ledger [${channelId}]`);
        channels.add(await ledgers.create(channelId));
        ledgerLogger.info('CreateLedger', `Created ledger [${channelId}]`);
        await sccProvider.deploySysCCs(channelId);
      }

      server = await serverStarting;
      boundAddress = server.address;
      logging.logger('comm.grpc.server').info('start', `Chaincode server listening on ${server.address}`);
    } catch (err) {
      await sccProvider.deDeployAll();
      await (server ?? (await serverStarting?.catch(() => undefined)))?.stop();
      await (ledgers ?? (await ledgersOpening.catch(() => undefined)))?.close();
      throw err;
    }
    const peer = new Peer(config, logger, ledgers, channels, sccProvider, server, chaincodeSupport);
    logger.info(
      'serve',
      `Started peer with ID=[${config.peer.id}], network ID=[${config.peer.networkId}], address=[${config.peer.address}]`,
    );
    return peer;
  }

  /** The address chaincodes connect to, with the port actually bound. */
  get chaincodeListenAddress(): string {
    return this.chaincodeServer.address;
  }

  channelIds(): string[] {
    return this.channels.channelIds();
  }

  /** Stops every chaincode, the listener and the ledgers. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.chaincodeServer.stop();
    await this.sccProvider.deDeployAll();
    await this.ledgers.close().catch((err: unknown) => this.logger.error('stop', `closing ledgers: ${errorMessage(err)}`));
    this.logger.info('stop', 'Peer stopped');
  }
}
