import type { Logger } from '../common/logging/logging.js';
import { BlockFileStore, type BlockFilesEnd, type BlockLocation, type RecoveredBlock } from './block-file-store.js';
import { blockDataHash, hashOfBlock } from './block-hash.js';
import type { CollectionInfoProvider } from './collection-info.js';
import type { StateIndexSource } from './query-executor-impl.js';
import { deserializeBlock, serializeBlock, type TxOffset } from './block-serialization.js';
import { DbKeys } from './db-keys.js';
import { HistoryQueryExecutorImpl } from './history-query-executor-impl.js';
import type { HistoryQueryExecutor, PeerLedger, QueryExecutor, TxSimulator } from './ledger.js';
import type { BatchOp, LedgerDb } from './ledger-db.js';
import { LedgerError } from './ledger-error.js';
import {
  decodeBlockNum,
  decodeLocation,
  decodeSavepoint,
  decodeTxIndexEntry,
  encodeBlockNum,
  encodeLocation,
  encodeSavepoint,
  encodeTxIndexEntry,
  type Savepoint,
  type TxIndexEntry,
} from './ledger-records.js';
import { preloadCommitted, validateAndPrepare, type BlockTx } from './mvcc-validator.js';
import { isDerivedNamespace, privateNamespace } from './private-data-keys.js';
import { PrivateDataStore } from './private-data-store.js';
import { common, peer, type Block, type BlockchainInfo, type ProcessedTransaction } from './protos.js';
import { QueryExecutorImpl, type QueryLimits } from './query-executor-impl.js';
import { fromTxReadWriteSetBytes } from './rwset-codec.js';
import { StateDb } from './state-db.js';
import type { StateUpdates } from './state-updates.js';
import type { VersionedDb } from './versioned-db.js';
import { chaincodeLabelOf, parseTransaction, type ParsedTransaction } from './tx-envelope.js';
import type { LedgerMetrics } from './ledger-metrics.js';
import { secondsSince } from '../common/metrics/metrics-provider.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { validationCodeName } from '../common/protos/orderer.js';
import { TxSimulatorImpl } from './tx-simulator-impl.js';

export interface KvLedgerOptions {
  channelId: string;
  /** The database shared by the peer's ledgers: block index, state and history. */
  db: LedgerDb;
  /** This channel's block files directory. */
  blocksDir: string;
  limits: QueryLimits;
  maxBlockfileSize: number;
  /** Flush block files and database writes to disk at each commit. */
  sync: boolean;
  onClose: () => void;
  /** The chaincodes' private data collections; without it, no collection exists. */
  collections?: CollectionInfoProvider | undefined;
  /** The CouchDB indexes the channel's chaincodes declare, for rich queries. */
  indexes?: StateIndexSource | undefined;
  /**
   * Opens the channel's state database outside the ledger's own (CouchDB); `height` is the
   * ledger's. Without it, state is kept in the ledger's LevelDB.
   */
  openState?: ((channelId: string, height: number) => Promise<VersionedDb>) | undefined;
  /** Where missing private data is reported (Fabric's kvledger logger). */
  logger?: Logger | undefined;
  /** Blocks private data waits in the transient store for its transaction (Fabric: 1000). */
  transientRetentionBlocks?: number;
  metrics?: LedgerMetrics | undefined;
}

const { VALID, DUPLICATE_TXID } = peer.TxValidationCode;
const TRANSACTIONS_FILTER = common.BlockMetadataIndex.TRANSACTIONS_FILTER;
const METADATA_SLOTS = 5;
const HEADER_TYPE_NAMES = new Map<number, string>(Object.entries(common.HeaderType).map(([name, n]) => [n, name]));

/**
 * One channel's ledger. A commit appends the block to the block files, then writes its index,
 * state updates, history and the savepoint in one LevelDB batch; the savepoint records where the
 * block files end. On open, blocks found in the files past the savepoint (the process died between
 * the two writes) are replayed, and a torn last record is cut off, so the block files, state and
 * history always agree.
 */
export class KvLedger implements PeerLedger {
  readonly channelId: string;
  private readonly keys: DbKeys;
  private savepoint: Savepoint;
  /**
   * The last block this process committed, as written to the block files: every Deliver stream
   * waiting at the top of the chain asks for it at once, and it is served without a disk read.
   */
  private newest: { blockNum: number; bytes: Uint8Array } | undefined;
  private closed = false;
  /**
   * Set when a block reached the block files but not all of its state: commits stop until the
   * peer restarts and the block is applied again from the files.
   */
  private failed: LedgerError | undefined;

  private constructor(
    private readonly opts: KvLedgerOptions,
    private readonly blocks: BlockFileStore,
    private readonly privateData: PrivateDataStore,
    private readonly state: VersionedDb,
    private readonly queue: CommitQueue,
    savepoint: Savepoint,
  ) {
    this.channelId = opts.channelId;
    this.keys = new DbKeys(opts.channelId);
    this.savepoint = savepoint;
  }

  static async open(opts: KvLedgerOptions): Promise<KvLedger> {
    const keys = new DbKeys(opts.channelId);
    const raw = await opts.db.get(keys.savepoint());
    const savepoint: Savepoint =
      raw === undefined
        ? { height: 0, currentBlockHash: new Uint8Array(0), previousBlockHash: new Uint8Array(0), filesEnd: { fileNum: 0, endOffset: 0 } }
        : decodeSavepoint(raw);
    const { store, recovered } = BlockFileStore.open(
      { dir: opts.blocksDir, maxFileSize: opts.maxBlockfileSize, sync: opts.sync },
      savepoint.filesEnd,
    );
    let ledger: KvLedger;
    const queue = new CommitQueue();
    try {
      const state =
        opts.openState === undefined
          ? new StateDb({ db: opts.db, keys, batchSize: opts.limits.internalQueryLimit, exclusive: (fn) => queue.run(fn) })
          : await opts.openState(opts.channelId, savepoint.height);
      const privateData = await PrivateDataStore.open({
        channelId: opts.channelId,
        db: opts.db,
        keys,
        state,
        collections: opts.collections,
        logger: opts.logger,
        transientRetentionBlocks: opts.transientRetentionBlocks,
      });
      ledger = new KvLedger(opts, store, privateData, state, queue, savepoint);
    } catch (err) {
      await store.close();
      throw err;
    }
    try {
      for (const found of recovered) await ledger.replay(found);
    } catch (err) {
      await store.close();
      throw err;
    }
    opts.metrics?.blockchainHeight.with(opts.channelId).set(ledger.savepoint.height);
    return ledger;
  }

  async newTxSimulator(txId: string): Promise<TxSimulator> {
    this.checkOpen();
    return new TxSimulatorImpl({ state: this.state, limits: this.opts.limits, txId, collections: this.opts.collections, indexes: this.opts.indexes });
  }

  async newQueryExecutor(): Promise<QueryExecutor> {
    this.checkOpen();
    return new QueryExecutorImpl({ state: this.state, limits: this.opts.limits, txId: '', collections: this.opts.collections, indexes: this.opts.indexes });
  }

  async newHistoryQueryExecutor(): Promise<HistoryQueryExecutor> {
    this.checkOpen();
    return new HistoryQueryExecutorImpl({ channelId: this.channelId, db: this.opts.db, keys: this.keys, blocks: this.blocks });
  }

  async getBlockchainInfo(): Promise<BlockchainInfo> {
    this.checkOpen();
    const info = new common.BlockchainInfo();
    info.setHeight(this.savepoint.height);
    info.setCurrentblockhash(this.savepoint.currentBlockHash);
    info.setPreviousblockhash(this.savepoint.previousBlockHash);
    return info;
  }

  async getBlockByNumber(blockNum: number): Promise<Block> {
    this.checkOpen();
    // As in Fabric, the largest uint64 (which a JavaScript number rounds to 2^64) asks for the
    // last block.
    if (blockNum >= 2 ** 64 - 1 && this.savepoint.height > 0) return this.getBlockByNumber(this.savepoint.height - 1);
    if (this.newest?.blockNum === blockNum) return deserializeBlock(this.newest.bytes).block;
    const raw = Number.isSafeInteger(blockNum) && blockNum >= 0 ? await this.opts.db.get(this.keys.block(blockNum)) : undefined;
    if (raw === undefined) throw new LedgerError('BLOCK_NOT_FOUND', `no such block number [${blockNum}] in index`);
    return this.readBlock(decodeLocation(raw));
  }

  async getBlockByHash(hash: Uint8Array): Promise<Block> {
    this.checkOpen();
    const raw = await this.opts.db.get(this.keys.blockHash(hash));
    if (raw === undefined) {
      throw new LedgerError('BLOCK_NOT_FOUND', `no such block hash [${Buffer.from(hash).toString('hex')}] in index`);
    }
    return this.getBlockByNumber(decodeBlockNum(raw));
  }

  async getTransactionByID(txId: string): Promise<ProcessedTransaction> {
    const entry = await this.txIndexEntry(txId);
    const bytes = await this.blocks.read(entry.location.fileNum, entry.location.offset, entry.location.length);
    const processed = new peer.ProcessedTransaction();
    processed.setTransactionenvelope(common.Envelope.deserializeBinary(bytes));
    processed.setValidationcode(entry.validationCode);
    return processed;
  }

  async getBlockByTxID(txId: string): Promise<Block> {
    const entry = await this.txIndexEntry(txId);
    return this.getBlockByNumber(entry.blockNum);
  }

  /** Is a transaction with this ID on the ledger (valid or not)? A replayed proposal is refused by it. */
  async txIdExists(txId: string): Promise<boolean> {
    this.checkOpen();
    return txId !== '' && (await this.opts.db.get(this.keys.txId(txId))) !== undefined;
  }

  async getTxValidationCodeByTxID(txId: string): Promise<number> {
    return (await this.txIndexEntry(txId)).validationCode;
  }

  async getTxStatus(txId: string): Promise<{ blockNumber: number; validationCode: number } | undefined> {
    this.checkOpen();
    const raw = txId === '' ? undefined : await this.opts.db.get(this.keys.txId(txId));
    if (raw === undefined) return undefined;
    const entry = decodeTxIndexEntry(raw);
    return { blockNumber: entry.blockNum, validationCode: entry.validationCode };
  }

  async storeTransientPrivateData(txId: string, pvtSimulationBytes: Uint8Array): Promise<void> {
    this.checkOpen();
    await this.privateData.storeTransient(txId, this.savepoint.height, pvtSimulationBytes);
  }

  commit(block: Block): Promise<number[]> {
    return this.queue.run(() => this.commitBlock(block));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.idle();
    await this.blocks.close();
    this.opts.onClose();
  }

  private async commitBlock(block: Block): Promise<number[]> {
    this.checkOpen();
    if (this.failed !== undefined) throw this.failed;
    const start = this.opts.metrics === undefined ? 0 : performance.now();
    const header = block.getHeader();
    if (header === undefined) throw new LedgerError('BLOCK_MALFORMED', `block for channel [${this.channelId}] has no header`);
    const blockNum = header.getNumber();
    if (blockNum !== this.savepoint.height) {
      throw new LedgerError(
        'BLOCK_OUT_OF_ORDER',
        `channel [${this.channelId}]: block number should have been ${this.savepoint.height} but was ${blockNum}`,
      );
    }
    const previousHash = header.getPreviousHash_asU8();
    if (!sameBytes(previousHash, this.savepoint.currentBlockHash)) {
      throw new LedgerError(
        'BLOCK_HASH_MISMATCH',
        `channel [${this.channelId}]: unexpected previous hash in block ${blockNum}: expected [${hex(this.savepoint.currentBlockHash)}], got [${hex(previousHash)}]`,
      );
    }
    const data = block.getData()?.getDataList_asU8() ?? [];
    const dataHash = blockDataHash(data);
    if (!sameBytes(header.getDataHash_asU8(), dataHash)) {
      throw new LedgerError(
        'BLOCK_HASH_MISMATCH',
        `channel [${this.channelId}]: data hash of block ${blockNum} is [${hex(header.getDataHash_asU8())}] but its data hashes to [${hex(dataHash)}]`,
      );
    }

    // Codes an earlier stage (the validator's signature and policy checks) set are kept.
    const filter = transactionsFilter(block);
    const codes = data.map((_, i) => (filter !== undefined && filter.length === data.length ? (filter[i] as number) : VALID));
    const parsed = data.map((envelope, i) => {
      const tx = parseTransaction(envelope, this.channelId);
      if (codes[i] === VALID) codes[i] = tx.code;
      return tx;
    });
    const { txs, expected } = toBlockTxs(parsed, codes);
    const txIds = parsed.map((tx) => tx.txId);
    // Before the state reads, which must include the private keys written.
    await this.privateData.attachPrivateWrites(blockNum, txIds, txs, expected);
    // The txid look-ups and the state reads are independent: run them side by side.
    const [, committed] = await Promise.all([
      this.markDuplicates(parsed, codes, txs),
      preloadCommitted({ state: this.state, txs, checkConflicts: true }),
    ]);
    const updates = await validateAndPrepare({ state: this.state, committed, blockNum, txs, checkConflicts: true });
    txs.forEach((tx, i) => (codes[i] = tx.code));
    const privateOps = await this.privateData.commitOps({ blockNum, txIds, txs, expected, updates });
    const stateOps = this.state.external ? [] : await this.state.commitUpdates(updates, blockNum + 1);

    setTransactionsFilter(block, codes);
    const serialized = serializeBlock(block);
    const filesEndBefore = this.blocks.filesEnd;
    const storing = this.opts.metrics === undefined ? 0 : performance.now();
    const { location, end } = await this.blocks.appendAsync(serialized.bytes);
    const next: Savepoint = { height: blockNum + 1, currentBlockHash: hashOfBlock(block), previousBlockHash: previousHash, filesEnd: end };
    const ops = this.batchOps({ blockNum, parsed, txs, codes, location, txOffsets: serialized.txOffsets, savepoint: next });
    ops.push(...stateOps, ...privateOps.ops);
    await this.write(ops, updates, blockNum, filesEndBefore);
    this.savepoint = next;
    this.newest = { blockNum, bytes: serialized.bytes };
    this.privateData.committed(privateOps.nextExpiry);
    if (this.opts.metrics !== undefined) this.recordBlockStats(this.opts.metrics, parsed, codes, start, storing);
    this.deployIndexes(updates);
    return codes;
  }

  /**
   * Creates the indexes of each chaincode the block defines (through `_lifecycle` or lscc) in a
   * state database that keeps its own (CouchDB), as Fabric does once a chaincode is defined. As in
   * Fabric, a failure is logged and the commit stands; a query that finds an index missing creates it.
   */
  private deployIndexes(updates: StateUpdates): void {
    const state = this.state;
    const source = this.opts.indexes;
    if (state.createIndexes === undefined || source === undefined) return;
    const read = async (namespace: string, key: string): Promise<Uint8Array | undefined> => (await this.state.get(namespace, key))?.value;
    for (const name of definedChaincodes(updates)) {
      const deploy = async (): Promise<void> => {
        await state.createIndexes?.(name, await source.indexes(name, undefined));
        const collections = await this.opts.collections?.collections(name, read);
        for (const collection of collections?.keys() ?? []) {
          await state.createIndexes?.(privateNamespace(name, collection), await source.indexes(name, collection));
        }
      };
      deploy().catch((err: unknown) => this.opts.logger?.error('deployIndexes', `Error processing index for chaincode [${name}]: ${errorMessage(err)}`));
    }
  }

  /** Writes a block appended to the block files: its state, then the ledger's batch. */
  private async write(ops: BatchOp[], updates: StateUpdates, blockNum: number, filesEndBefore: BlockFilesEnd): Promise<void> {
    try {
      // A state database of its own (CouchDB) is written first: should the process die before the
      // ledger's batch, the block is found past the savepoint at the next start and applied
      // again, and rewriting the same values at the same versions changes nothing.
      if (this.state.external) await this.state.commitUpdates(updates, blockNum + 1);
      await this.opts.db.write(ops, this.opts.sync);
    } catch (err) {
      if (!this.state.external) {
        this.blocks.truncateTo(filesEndBefore);
        throw new LedgerError('STORE_UNAVAILABLE', `channel [${this.channelId}]: cannot commit block ${blockNum}: ${String(err)}`, {
          cause: err,
        });
      }
      // Part of the block's state may be written: it cannot be validated again, only replayed
      // with the codes it was stored with, which the next start does from the block files.
      this.failed = new LedgerError(
        'STORE_UNAVAILABLE',
        `channel [${this.channelId}]: block ${blockNum} is in the block files but its state could not be written (${errorMessage(err)}); restart the peer to apply it`,
        { cause: err },
      );
      this.opts.logger?.error('commit', this.failed.message);
      throw this.failed;
    }
  }

  private recordBlockStats(metrics: LedgerMetrics, parsed: ParsedTransaction[], codes: number[], start: number, storing: number): void {
    const channel = this.channelId;
    metrics.blockstorageCommitTime.with(channel).observe(secondsSince(storing));
    metrics.blockProcessingTime.with(channel).observe(secondsSince(start));
    metrics.blockchainHeight.with(channel).set(this.savepoint.height);
    parsed.forEach((tx, i) => {
      const type = tx.headerType === -1 ? 'unknown' : (HEADER_TYPE_NAMES.get(tx.headerType) ?? 'unknown');
      metrics.transactionCount.with(channel, type, chaincodeLabelOf(tx), validationCodeName(codes[i] ?? VALID)).add(1);
    });
  }

  // Indexes and applies a block found in the block files past the savepoint, with the validation
  // codes it was stored with.
  private async replay(found: RecoveredBlock): Promise<void> {
    const { block, location, txOffsets, end } = found;
    const header = block.getHeader();
    const blockNum = header?.getNumber() ?? -1;
    const previousHash = header?.getPreviousHash_asU8() ?? new Uint8Array(0);
    const where = `block file ${this.opts.blocksDir} (file ${location.fileNum}, offset ${location.offset})`;
    if (blockNum !== this.savepoint.height || !sameBytes(previousHash, this.savepoint.currentBlockHash)) {
      throw new LedgerError(
        'STORE_CORRUPTED',
        `${where} holds block ${blockNum} where block ${this.savepoint.height} of channel [${this.channelId}] should follow`,
      );
    }
    const data = block.getData()?.getDataList_asU8() ?? [];
    const filter = transactionsFilter(block);
    if (filter === undefined || filter.length !== data.length) {
      throw new LedgerError('STORE_CORRUPTED', `${where} holds block ${blockNum} without validation codes`);
    }
    const codes = Array.from(filter);
    const parsed = data.map((envelope) => parseTransaction(envelope, this.channelId));
    const { txs, expected } = toBlockTxs(parsed, codes);
    const txIds = parsed.map((tx) => tx.txId);
    await this.privateData.attachPrivateWrites(blockNum, txIds, txs, expected);
    const committed = await preloadCommitted({ state: this.state, txs, checkConflicts: false });
    const updates = await validateAndPrepare({ state: this.state, committed, blockNum, txs, checkConflicts: false });
    const privateOps = await this.privateData.commitOps({ blockNum, txIds, txs, expected, updates });
    const stateOps = await this.state.commitUpdates(updates, blockNum + 1);
    const next: Savepoint = { height: blockNum + 1, currentBlockHash: hashOfBlock(block), previousBlockHash: previousHash, filesEnd: end };
    const ops = this.batchOps({ blockNum, parsed, txs, codes, location, txOffsets, savepoint: next });
    ops.push(...stateOps, ...privateOps.ops);
    await this.opts.db.write(ops, this.opts.sync);
    this.savepoint = next;
    this.privateData.committed(privateOps.nextExpiry);
  }

  private batchOps(b: {
    blockNum: number;
    parsed: ParsedTransaction[];
    txs: BlockTx[];
    codes: number[];
    location: BlockLocation;
    txOffsets: TxOffset[];
    savepoint: Savepoint;
  }): BatchOp[] {
    const ops: BatchOp[] = [];
    const keys = this.keys;
    const indexed = new Set<string>();
    b.parsed.forEach((tx, txNum) => {
      const offset = b.txOffsets[txNum] as TxOffset;
      const txLocation: BlockLocation = { fileNum: b.location.fileNum, offset: b.location.offset + offset.offset, length: offset.length };
      const code = b.codes[txNum] as number;
      if (tx.txId !== '' && code !== DUPLICATE_TXID && !indexed.has(tx.txId)) {
        indexed.add(tx.txId);
        const entry: TxIndexEntry = { blockNum: b.blockNum, txNum, validationCode: code, location: txLocation };
        ops.push({ type: 'put', key: keys.txId(tx.txId), value: encodeTxIndexEntry(entry) });
      }
      if (code !== VALID || tx.rwsetBytes === undefined) return;
      const location = encodeLocation(txLocation);
      for (const ns of b.txs[txNum]?.namespaces ?? []) {
        if (isDerivedNamespace(ns.namespace)) continue;
        for (const w of ns.writes) ops.push({ type: 'put', key: keys.history(ns.namespace, w.key, b.blockNum, txNum), value: location });
      }
    });
    ops.push({ type: 'put', key: keys.block(b.blockNum), value: encodeLocation(b.location) });
    ops.push({ type: 'put', key: keys.blockHash(b.savepoint.currentBlockHash), value: encodeBlockNum(b.blockNum) });
    ops.push({ type: 'put', key: keys.savepoint(), value: encodeSavepoint(b.savepoint) });
    return ops;
  }

  // A txid already committed, or seen earlier in this block, marks the transaction a duplicate.
  private async markDuplicates(parsed: ParsedTransaction[], codes: number[], txs: BlockTx[]): Promise<void> {
    const ids = parsed.map((tx) => tx.txId);
    const known = await this.opts.db.getMany(ids.map((id) => this.keys.txId(id)));
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (id === '') return;
      if (codes[i] === VALID && (known[i] !== undefined || seen.has(id))) {
        codes[i] = DUPLICATE_TXID;
        (txs[i] as BlockTx).code = DUPLICATE_TXID;
      }
      seen.add(id);
    });
  }

  private async txIndexEntry(txId: string): Promise<TxIndexEntry> {
    this.checkOpen();
    const raw = txId === '' ? undefined : await this.opts.db.get(this.keys.txId(txId));
    if (raw === undefined) throw new LedgerError('TX_NOT_FOUND', `no such transaction ID [${txId}] in index`);
    return decodeTxIndexEntry(raw);
  }

  private async readBlock(location: BlockLocation): Promise<Block> {
    const bytes = await this.blocks.read(location.fileNum, location.offset, location.length);
    try {
      return deserializeBlock(bytes).block;
    } catch (err) {
      throw new LedgerError(
        'STORE_CORRUPTED',
        `block file ${this.opts.blocksDir} (file ${location.fileNum}, offset ${location.offset}) holds an unreadable block: ${String(err)}`,
        { cause: err },
      );
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new LedgerError('LEDGER_CLOSED', `ledger [${this.channelId}] is closed`);
  }
}

/**
 * Parses the read-write sets of the transactions still valid. Collection hashes become reads and
 * writes of the hashed namespaces; `expected` lists, per transaction, the collections whose
 * private write sets it promises.
 */
function toBlockTxs(parsed: ParsedTransaction[], codes: number[]): { txs: BlockTx[]; expected: Array<ReturnType<typeof PrivateDataStore.hashedNamespaces>['expected']> } {
  const expected: Array<ReturnType<typeof PrivateDataStore.hashedNamespaces>['expected']> = [];
  const txs = parsed.map((tx, txNum) => {
    expected.push([]);
    const blockTx: BlockTx = { txNum, code: codes[txNum] as number, namespaces: undefined, hasMerkleSummaries: false };
    if (blockTx.code !== VALID || tx.rwsetBytes === undefined) return blockTx;
    try {
      const namespaces = fromTxReadWriteSetBytes(tx.rwsetBytes);
      blockTx.hasMerkleSummaries = namespaces.some((ns) => ns.hasMerkleSummaries);
      const hashed = PrivateDataStore.hashedNamespaces(namespaces);
      blockTx.namespaces = hashed.derived.length === 0 ? namespaces : [...namespaces, ...hashed.derived];
      expected[txNum] = hashed.expected;
    } catch {
      blockTx.code = peer.TxValidationCode.INVALID_ENDORSER_TRANSACTION;
      codes[txNum] = blockTx.code;
    }
    return blockTx;
  });
  return { txs, expected };
}

function transactionsFilter(block: Block): Uint8Array | undefined {
  return block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER];
}

// Fabric keeps the codes as one byte per transaction in metadata slot TRANSACTIONS_FILTER; the
// other slots are created empty if the block lacks them.
function setTransactionsFilter(block: Block, codes: number[]): void {
  let metadata = block.getMetadata();
  if (metadata === undefined) {
    metadata = new common.BlockMetadata();
    block.setMetadata(metadata);
  }
  const entries = metadata.getMetadataList_asU8().slice();
  while (entries.length < METADATA_SLOTS) entries.push(new Uint8Array(0));
  entries[TRANSACTIONS_FILTER] = Uint8Array.from(codes);
  metadata.setMetadataList(entries);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Runs commits (and rich-query index builds) one at a time, in call order; a failed one does not block the next. */
class CommitQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves once everything queued so far has run. */
  async idle(): Promise<void> {
    await this.tail;
  }
}

/** The chaincodes whose definitions the block writes: `_lifecycle`'s metadata keys, lscc's chaincode keys. */
function definedChaincodes(updates: StateUpdates): string[] {
  const names = new Set<string>();
  const metadataPrefix = 'namespaces/metadata/';
  for (const key of updates.of('_lifecycle').keys()) if (key.startsWith(metadataPrefix)) names.add(key.slice(metadataPrefix.length));
  // lscc keeps a chaincode's collections at `<name>~collection`.
  for (const key of updates.of('lscc').keys()) if (!key.includes('~')) names.add(key);
  return [...names];
}
