import { errorMessage } from '../common/errors/weft-error.js';
import type { ChainReader } from '../deliver/chain-reader.js';
import { BlockFileStore, type BlockFilesEnd, type BlockLocation } from '../ledger/block-file-store.js';
import { deserializeBlock, serializeBlock } from '../ledger/block-serialization.js';
import { ByteReader, ByteWriter } from '../common/protos/byte-codec.js';
import { LedgerDb } from '../ledger/ledger-db.js';
import type { Block } from '../ledger/protos.js';
import { OrderingError } from './orderer-error.js';

export interface BlockStoreOptions {
  /** The block files: `<FileLedger.Location>/chains/<channel>`. */
  dir: string;
  /** The LevelDB index of block locations: `<FileLedger.Location>/index/<channel>`. */
  indexDir: string;
  /** A new block file is started past this size; Fabric's 64 MiB by default. */
  maxFileSize?: number;
}

const FORMAT = 'weft-orderer-chain-1';
const END_KEY = 'end';
const DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024;

interface Waiter {
  blockNumber: number;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * An orderer channel's own chain: blocks appended to block files (Fabric's layout, each record
 * fdatasync'd before it counts), and a LevelDB index of where each block is. The files are the
 * truth: the index is written after each append, and a restart indexes whatever complete blocks
 * the files hold past it, dropping a torn last record.
 */
export class BlockStore implements ChainReader {
  /** Blocks appended whose index entry is not written yet. */
  private readonly unindexed = new Map<number, BlockLocation>();
  private indexing: Promise<void> = Promise.resolve();
  private waiters: Waiter[] = [];
  private closed = false;
  /** The last block appended, as written: every Deliver stream at the top of the chain asks for it at once. */
  private newest: { blockNumber: number; bytes: Uint8Array } | undefined;

  private constructor(
    private readonly files: BlockFileStore,
    private readonly index: LedgerDb,
    private chainHeight: number,
    private last: Block | undefined,
  ) {}

  static async open(opts: BlockStoreOptions): Promise<BlockStore> {
    let index: LedgerDb;
    try {
      index = await LedgerDb.open(opts.indexDir, FORMAT);
    } catch (err) {
      throw new OrderingError('STORE_UNAVAILABLE', `cannot open the block index at ${opts.indexDir}: ${errorMessage(err)}`, { cause: err });
    }
    try {
      const end = decodeEnd(await index.get(END_KEY));
      const { store: files, recovered } = BlockFileStore.open({ dir: opts.dir, maxFileSize: opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, sync: true }, end.filesEnd);
      let height = end.height;
      let last: Block | undefined;
      for (const found of recovered) {
        const number = found.block.getHeader()?.getNumber() ?? -1;
        if (number !== height) {
          throw new OrderingError('STORE_CORRUPTED', `block file in ${opts.dir} holds block ${String(number)} where block ${String(height)} was expected`);
        }
        await index.write(indexOps(number, found.location, found.end), false);
        height++;
        last = found.block;
      }
      const store = new BlockStore(files, index, height, last);
      if (last === undefined && height > 0) store.last = await store.getBlockByNumber(height - 1);
      return store;
    } catch (err) {
      await index.close();
      if (err instanceof OrderingError) throw err;
      throw new OrderingError('STORE_CORRUPTED', `cannot open the chain in ${opts.dir}: ${errorMessage(err)}`, { cause: err });
    }
  }

  height(): number {
    return this.chainHeight;
  }

  /** The chain's last block; undefined while it is empty. */
  lastBlock(): Block | undefined {
    return this.last;
  }

  /**
   * Appends the next block, on disk (fdatasync'd) before this returns: the block counts, and
   * readers see it, from then on. Its index entry follows in the background.
   */
  append(block: Block): void {
    if (this.closed) throw new OrderingError('SERVICE_UNAVAILABLE', 'the chain is closed');
    const number = block.getHeader()?.getNumber();
    if (number !== this.chainHeight) {
      throw new OrderingError('STORE_CORRUPTED', `block ${String(number)} appended where block ${String(this.chainHeight)} is next`);
    }
    let appended: { location: BlockLocation; end: BlockFilesEnd };
    const bytes = serializeBlock(block).bytes;
    try {
      appended = this.files.append(bytes);
    } catch (err) {
      throw new OrderingError('STORE_UNAVAILABLE', `cannot append block ${String(number)}: ${errorMessage(err)}`, { cause: err });
    }
    this.unindexed.set(number, appended.location);
    this.chainHeight = number + 1;
    this.last = block;
    this.newest = { blockNumber: number, bytes };
    // Not synced: should the index lose its last writes, the next open finds the blocks in the files again.
    this.indexing = this.indexing.then(async () => {
      try {
        await this.index.write(indexOps(number, appended.location, appended.end), false);
        this.unindexed.delete(number);
      } catch {
        // Kept in memory; the next open indexes it from the files.
      }
    });
    const ready = this.waiters.filter((w) => w.blockNumber < this.chainHeight);
    this.waiters = this.waiters.filter((w) => w.blockNumber >= this.chainHeight);
    for (const waiter of ready) waiter.resolve();
  }

  async getBlockByNumber(blockNumber: number): Promise<Block> {
    if (!Number.isSafeInteger(blockNumber) || blockNumber < 0 || blockNumber >= this.chainHeight) {
      throw new OrderingError('BLOCK_NOT_FOUND', `block ${String(blockNumber)} is not in the chain (height ${String(this.chainHeight)})`);
    }
    if (this.newest?.blockNumber === blockNumber) return deserializeBlock(this.newest.bytes).block;
    let location = this.unindexed.get(blockNumber);
    if (location === undefined) {
      const value = await this.index.get(blockKey(blockNumber));
      if (value === undefined) throw new OrderingError('STORE_CORRUPTED', `the block index has no entry for block ${String(blockNumber)}`);
      const r = new ByteReader(value);
      location = { fileNum: r.varint(), offset: r.varint(), length: r.varint() };
    }
    const bytes = await this.files.read(location.fileNum, location.offset, location.length);
    return deserializeBlock(bytes).block;
  }

  waitForBlock(blockNumber: number, signal: AbortSignal): Promise<void> {
    if (blockNumber < this.chainHeight) return Promise.resolve();
    if (signal.aborted) return Promise.reject(toError(signal.reason));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(toError(signal.reason));
      };
      const waiter: Waiter = {
        blockNumber,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (err) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      this.waiters.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(new OrderingError('SERVICE_UNAVAILABLE', 'the chain was closed'));
    await this.indexing;
    await this.files.close();
    await this.index.close();
  }
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

function blockKey(blockNumber: number): string {
  return `b${blockNumber.toString(16).padStart(16, '0')}`;
}

function indexOps(number: number, location: BlockLocation, end: BlockFilesEnd): Array<{ type: 'put'; key: string; value: Uint8Array }> {
  return [
    { type: 'put', key: blockKey(number), value: new ByteWriter(32).varint(location.fileNum).varint(location.offset).varint(location.length).finish() },
    { type: 'put', key: END_KEY, value: new ByteWriter(32).varint(number + 1).varint(end.fileNum).varint(end.endOffset).finish() },
  ];
}

function decodeEnd(value: Uint8Array | undefined): { height: number; filesEnd: BlockFilesEnd } {
  if (value === undefined) return { height: 0, filesEnd: { fileNum: 0, endOffset: 0 } };
  const r = new ByteReader(value);
  return { height: r.varint(), filesEnd: { fileNum: r.varint(), endOffset: r.varint() } };
}
