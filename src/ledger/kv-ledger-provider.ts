import type { LedgerMetrics } from './ledger-metrics.js';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../common/logging/logging.js';
import { validateChannelId } from './channel-id.js';
import type { CollectionInfoProvider } from './collection-info.js';
import type { StateIndexSource } from './query-executor-impl.js';
import { KvLedger } from './kv-ledger.js';
import type { LedgerManager, PeerLedger } from './ledger.js';
import { LedgerDb } from './ledger-db.js';
import { LedgerError } from './ledger-error.js';
import { common, type Block } from './protos.js';
import { DEFAULT_TRANSIENT_RETENTION_BLOCKS } from './private-data-store.js';
import { DEFAULT_QUERY_LIMITS } from './query-executor-impl.js';
import { channelIdOfEnvelope } from './tx-envelope.js';
import type { VersionedDb } from './versioned-db.js';

export interface KvLedgerProviderOptions {
  /** `peer.fileSystemPath`; ledgers live under `<root>/ledgersData`. */
  rootPath: string;
  /** `ledger.state.totalQueryLimit`: most results one range scan returns (Fabric: 100000). */
  totalQueryLimit?: number;
  /** `ledger.state.internalQueryLimit`: entries read from the database per round trip (Fabric: 1000). */
  internalQueryLimit?: number;
  /** Size at which a channel's block file is closed and the next one started (Fabric: 64 MiB). */
  maxBlockfileSize?: number;
  /** Flush to disk at each commit, so committed blocks survive power loss (default true). */
  sync?: boolean;
  /** The chaincodes' private data collections, read from their definitions; without it, none exist. */
  collections?: CollectionInfoProvider | undefined;
  /** The CouchDB indexes each channel's chaincodes declare, for rich queries; without it, none. */
  indexes?: ((channelId: string) => StateIndexSource) | undefined;
  /** Where the ledgers report what they leave out (missing private data). */
  logger?: Logger | undefined;
  /** Blocks private data waits in the transient store (peer.gossip.pvtData.transientstoreMaxBlockRetention, Fabric: 1000). */
  transientRetentionBlocks?: number;
  metrics?: LedgerMetrics | undefined;
  /**
   * Opens a channel's state database outside the ledger's LevelDB (CouchDB); `height` is the
   * channel ledger's. Without it, state is kept in LevelDB.
   */
  openState?: ((channelId: string, height: number) => Promise<VersionedDb>) | undefined;
}

type OptionalSettings = 'collections' | 'indexes' | 'logger' | 'metrics' | 'openState';
type ProviderSettings = Required<Omit<KvLedgerProviderOptions, OptionalSettings>> & Pick<KvLedgerProviderOptions, OptionalSettings>;

export const DEFAULT_MAX_BLOCKFILE_SIZE = 64 * 1024 * 1024;

// The id store's record of each ledger, and its states: a ledger is created in two steps
// (record, then genesis block commit), and one found half-made at start is finished or removed.
const LEDGER_KEY = 'ledger\x00';
const UNDER_CONSTRUCTION = 0;
const ACTIVE = 1;

const ID_STORE_FORMAT = 'weft-ledger-ids/1';
const LEDGER_DB_FORMAT = 'weft-ledger/1';

/**
 * Keeps every channel ledger of the peer under `<root>/ledgersData`: the id store listing the
 * ledgers (`ledgerProvider`, as in Fabric), one LevelDB shared by all channels for block index,
 * state and history (`ledgerLeveldb`; one database so a block commits in one atomic batch), and
 * each channel's block files under `chains/chains/<channel>`.
 */
export class KvLedgerProvider implements LedgerManager {
  private readonly ledgers = new Map<string, Promise<KvLedger>>();
  private closed = false;

  private constructor(
    private readonly opts: ProviderSettings,
    private readonly idStore: LedgerDb,
    private readonly db: LedgerDb,
  ) {}

  static async start(options: KvLedgerProviderOptions): Promise<KvLedgerProvider> {
    const opts: ProviderSettings = {
      totalQueryLimit: DEFAULT_QUERY_LIMITS.totalQueryLimit,
      internalQueryLimit: DEFAULT_QUERY_LIMITS.internalQueryLimit,
      maxBlockfileSize: DEFAULT_MAX_BLOCKFILE_SIZE,
      sync: true,
      transientRetentionBlocks: DEFAULT_TRANSIENT_RETENTION_BLOCKS,
      ...options,
    };
    const dir = join(opts.rootPath, 'ledgersData');
    try {
      await mkdir(join(dir, 'chains', 'chains'), { recursive: true });
    } catch (err) {
      throw new LedgerError('STORE_UNAVAILABLE', `cannot create ledger directory ${dir}: ${String(err)}`, { cause: err });
    }
    // Both databases open at once, on LevelDB's threads: opening is mostly waiting for the disk.
    const [idOpen, dbOpen] = await Promise.allSettled([
      LedgerDb.open(join(dir, 'ledgerProvider'), ID_STORE_FORMAT),
      LedgerDb.open(join(dir, 'ledgerLeveldb'), LEDGER_DB_FORMAT),
    ]);
    if (idOpen.status === 'rejected' || dbOpen.status === 'rejected') {
      if (idOpen.status === 'fulfilled') await idOpen.value.close();
      if (dbOpen.status === 'fulfilled') await dbOpen.value.close();
      throw idOpen.status === 'rejected' ? idOpen.reason : (dbOpen as PromiseRejectedResult).reason;
    }
    const idStore = idOpen.value;
    const db = dbOpen.value;
    const provider = new KvLedgerProvider(opts, idStore, db);
    await provider.finishHalfCreatedLedgers();
    return provider;
  }

  async list(): Promise<string[]> {
    this.checkOpen();
    return (await this.records()).filter((r) => r.status === ACTIVE).map((r) => r.channelId);
  }

  async exists(channelId: string): Promise<boolean> {
    this.checkOpen();
    const raw = await this.idStore.get(LEDGER_KEY + channelId);
    return raw !== undefined && raw[0] === ACTIVE;
  }

  async create(genesisBlock: Block): Promise<PeerLedger> {
    this.checkOpen();
    const channelId = genesisChannelId(genesisBlock);
    validateChannelId(channelId);
    if ((await this.idStore.get(LEDGER_KEY + channelId)) !== undefined) {
      throw new LedgerError('LEDGER_EXISTS', `ledger [${channelId}] already exists`);
    }
    await this.idStore.write([{ type: 'put', key: LEDGER_KEY + channelId, value: Uint8Array.of(UNDER_CONSTRUCTION) }], true);
    let ledger: KvLedger | undefined;
    try {
      ledger = await this.openLedger(channelId);
      await ledger.commit(genesisBlock);
    } catch (err) {
      await ledger?.close();
      await this.removeLedger(channelId);
      throw err;
    }
    await this.idStore.write([{ type: 'put', key: LEDGER_KEY + channelId, value: Uint8Array.of(ACTIVE) }], true);
    return ledger;
  }

  async open(channelId: string): Promise<PeerLedger> {
    this.checkOpen();
    if (!(await this.exists(channelId))) {
      throw new LedgerError('LEDGER_NOT_FOUND', `ledger [${channelId}] does not exist`);
    }
    return this.openLedger(channelId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const open = [...this.ledgers.values()];
    this.ledgers.clear();
    for (const ledger of await Promise.allSettled(open)) {
      if (ledger.status === 'fulfilled') await ledger.value.close();
    }
    await this.db.close();
    await this.idStore.close();
  }

  private openLedger(channelId: string): Promise<KvLedger> {
    let ledger = this.ledgers.get(channelId);
    if (ledger === undefined) {
      ledger = KvLedger.open({
        channelId,
        db: this.db,
        blocksDir: this.blocksDir(channelId),
        limits: { totalQueryLimit: this.opts.totalQueryLimit, internalQueryLimit: this.opts.internalQueryLimit },
        maxBlockfileSize: this.opts.maxBlockfileSize,
        sync: this.opts.sync,
        collections: this.opts.collections,
        indexes: this.opts.indexes?.(channelId),
        openState: this.opts.openState,
        logger: this.opts.logger,
        transientRetentionBlocks: this.opts.transientRetentionBlocks,
        metrics: this.opts.metrics,
        onClose: () => this.ledgers.delete(channelId),
      });
      this.ledgers.set(channelId, ledger);
      // A failed open is not cached: the next open tries again.
      ledger.catch(() => this.ledgers.delete(channelId));
    }
    return ledger;
  }

  private blocksDir(channelId: string): string {
    return join(this.opts.rootPath, 'ledgersData', 'chains', 'chains', channelId);
  }

  private async records(): Promise<Array<{ channelId: string; status: number }>> {
    const it = this.idStore.iterate({ gte: LEDGER_KEY, lt: 'ledger\x01' });
    const out: Array<{ channelId: string; status: number }> = [];
    try {
      for (let batch = await it.nextBatch(1000); batch.length > 0; batch = await it.nextBatch(1000)) {
        for (const [key, value] of batch) out.push({ channelId: key.slice(LEDGER_KEY.length), status: value[0] ?? UNDER_CONSTRUCTION });
      }
    } finally {
      await it.close();
    }
    return out;
  }

  // A crash during create() leaves the record under construction: keep the ledger if its genesis
  // block made it in, else remove what was made.
  private async finishHalfCreatedLedgers(): Promise<void> {
    for (const record of await this.records()) {
      if (record.status !== UNDER_CONSTRUCTION) continue;
      let height: number;
      try {
        const ledger = await this.openLedger(record.channelId);
        height = (await ledger.getBlockchainInfo()).getHeight();
        await ledger.close();
      } catch {
        // A half-made ledger that cannot even be opened stays unlisted; it must not keep the
        // peer's other channels from starting.
        continue;
      }
      if (height > 0) {
        await this.idStore.write([{ type: 'put', key: LEDGER_KEY + record.channelId, value: Uint8Array.of(ACTIVE) }], true);
      } else {
        await this.removeLedger(record.channelId);
      }
    }
  }

  private async removeLedger(channelId: string): Promise<void> {
    await rm(this.blocksDir(channelId), { recursive: true, force: true });
    await this.idStore.write([{ type: 'del', key: LEDGER_KEY + channelId }], true);
  }

  private checkOpen(): void {
    if (this.closed) throw new LedgerError('LEDGER_CLOSED', 'ledger provider is closed');
  }
}

/** The channel a genesis block creates: the channel id in its config envelope's header. */
function genesisChannelId(block: Block): string {
  const number = block.getHeader()?.getNumber();
  if (number !== 0) throw new LedgerError('INVALID_GENESIS_BLOCK', `genesis block must be block 0, got block ${number ?? '(no header)'}`);
  const envelope = block.getData()?.getDataList_asU8()[0];
  if (envelope === undefined) throw new LedgerError('INVALID_GENESIS_BLOCK', 'genesis block holds no transaction');
  let found: { channelId: string; headerType: number };
  try {
    found = channelIdOfEnvelope(envelope);
  } catch (err) {
    throw new LedgerError('INVALID_GENESIS_BLOCK', `genesis block's envelope is malformed: ${String(err)}`, { cause: err });
  }
  if (found.headerType !== common.HeaderType.CONFIG) {
    throw new LedgerError('INVALID_GENESIS_BLOCK', `genesis block must hold a CONFIG transaction, found header type ${found.headerType}`);
  }
  return found.channelId;
}
