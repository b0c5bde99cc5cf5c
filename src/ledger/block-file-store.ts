import { closeSync, existsSync, fdatasync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readSync, fstatSync, write, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ByteReader, ByteWriter, TruncatedInputError } from '../common/protos/byte-codec.js';
import { deserializeBlock, type TxOffset } from './block-serialization.js';
import { LedgerError } from './ledger-error.js';
import type { Block } from './protos.js';

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);

/** Where a block's bytes (after the record's length prefix) sit in the block files. */
export interface BlockLocation {
  fileNum: number;
  offset: number;
  length: number;
}

/** The end of the last block the ledger committed: the place appending resumes. */
export interface BlockFilesEnd {
  fileNum: number;
  endOffset: number;
}

/** A complete block found in the files past the committed end (appended, never indexed). */
export interface RecoveredBlock {
  block: Block;
  location: BlockLocation;
  txOffsets: TxOffset[];
  end: BlockFilesEnd;
}

export interface BlockFileStoreOptions {
  /** `<root>/ledgersData/chains/chains/<channel>` */
  dir: string;
  /** A new file is started once the current one would grow past this (Fabric: 64 MiB). */
  maxFileSize: number;
  /** fdatasync after each append, so a committed block survives power loss, not only a crash. */
  sync: boolean;
}

const FILE_PREFIX = 'blockfile_';

export function blockFileName(fileNum: number): string {
  return FILE_PREFIX + String(fileNum).padStart(6, '0');
}

/**
 * Append-only block files in Fabric's layout: each record is a varint length followed by the
 * serialized block. Only the ledger's index (committed in LevelDB after the append) makes a block
 * visible, so a record past the indexed end is either replayed on open or, if incomplete, cut off.
 */
export class BlockFileStore {
  private fd: number | undefined;
  private readers = new Map<number, Promise<FileHandle>>();

  private constructor(
    private readonly opts: BlockFileStoreOptions,
    private end: BlockFilesEnd,
  ) {}

  /**
   * Opens the files, resuming after `committed`. Complete blocks found past it are returned for
   * the caller to index; a torn last record is truncated away.
   */
  static open(opts: BlockFileStoreOptions, committed: BlockFilesEnd): { store: BlockFileStore; recovered: RecoveredBlock[] } {
    try {
      mkdirSync(opts.dir, { recursive: true });
    } catch (err) {
      throw new LedgerError('STORE_UNAVAILABLE', `cannot create block storage directory ${opts.dir}: ${String(err)}`, { cause: err });
    }
    const recovered: RecoveredBlock[] = [];
    let end = committed;
    for (;;) {
      end = scanFile(opts.dir, end, recovered);
      const next = join(opts.dir, blockFileName(end.fileNum + 1));
      if (!existsSync(next)) break;
      end = { fileNum: end.fileNum + 1, endOffset: 0 };
    }
    const store = new BlockFileStore(opts, end);
    store.openForAppend();
    return { store, recovered };
  }

  /** The place the next block goes. */
  get filesEnd(): BlockFilesEnd {
    return this.end;
  }

  /**
   * Appends one serialized block; returns where it went. Not visible until indexed. Blocks the
   * event loop until the record is on disk: for a writer that answers only once it is.
   */
  append(blockBytes: Uint8Array): { location: BlockLocation; end: BlockFilesEnd } {
    const { fd, record, prefixLength } = this.startRecord(blockBytes);
    try {
      let written = 0;
      while (written < record.length) {
        written += writeSync(fd, record, written, record.length - written, this.end.endOffset + written);
      }
      if (this.opts.sync) fdatasyncSync(fd);
    } catch (err) {
      this.dropPartialRecord(fd, err);
    }
    return this.endRecord(record.length, prefixLength);
  }

  /**
   * append, with the write and the fdatasync on libuv's threads, so the event loop goes on serving
   * (endorsements, Deliver) while the disk works. One append at a time: the caller awaits each.
   */
  async appendAsync(blockBytes: Uint8Array): Promise<{ location: BlockLocation; end: BlockFilesEnd }> {
    const { fd, record, prefixLength } = this.startRecord(blockBytes);
    try {
      let written = 0;
      while (written < record.length) {
        written += (await writeAsync(fd, record, written, record.length - written, this.end.endOffset + written)).bytesWritten;
      }
      if (this.opts.sync) await fdatasyncAsync(fd);
    } catch (err) {
      this.dropPartialRecord(fd, err);
    }
    return this.endRecord(record.length, prefixLength);
  }

  /** The length-prefixed record of a block, and the file it goes to (a new one when this one is full). */
  private startRecord(blockBytes: Uint8Array): { fd: number; record: Buffer; prefixLength: number } {
    const prefix = new ByteWriter(10).varint(blockBytes.length).finish();
    const recordLength = prefix.length + blockBytes.length;
    if (this.end.endOffset > 0 && this.end.endOffset + recordLength > this.opts.maxFileSize) {
      this.closeWriter();
      this.end = { fileNum: this.end.fileNum + 1, endOffset: 0 };
      this.openForAppend();
    }
    return { fd: this.fd as number, record: Buffer.concat([prefix, blockBytes]), prefixLength: prefix.length };
  }

  private endRecord(recordLength: number, prefixLength: number): { location: BlockLocation; end: BlockFilesEnd } {
    const location = { fileNum: this.end.fileNum, offset: this.end.endOffset + prefixLength, length: recordLength - prefixLength };
    this.end = { fileNum: this.end.fileNum, endOffset: this.end.endOffset + recordLength };
    return { location, end: this.end };
  }

  /**
   * Drops whatever part of a failed record made it (a full disk, say), so the file ends at the
   * last indexed block again; then throws.
   */
  private dropPartialRecord(fd: number, err: unknown): never {
    try {
      ftruncateSync(fd, this.end.endOffset);
    } catch {
      // The open-time scan cuts a torn tail anyway.
    }
    throw new LedgerError('STORE_UNAVAILABLE', `cannot append to block file ${join(this.opts.dir, blockFileName(this.end.fileNum))}: ${String(err)}`, {
      cause: err,
    });
  }

  /**
   * Cuts the files back to `end`, undoing an append whose index write failed, so the next
   * append does not leave an unindexed block in the middle of the file.
   */
  truncateTo(end: BlockFilesEnd): void {
    if (end.fileNum !== this.end.fileNum) {
      // The append rolled to a new file; dropping that file's content is enough.
      this.closeWriter();
      this.end = { fileNum: this.end.fileNum, endOffset: 0 };
      this.openForAppend();
      ftruncateSync(this.fd as number, 0);
      return;
    }
    ftruncateSync(this.fd as number, end.endOffset);
    this.end = end;
  }

  /** Reads `length` bytes at `offset` of block file `fileNum`. */
  async read(fileNum: number, offset: number, length: number): Promise<Uint8Array> {
    let reader = this.readers.get(fileNum);
    if (reader === undefined) {
      reader = open(join(this.opts.dir, blockFileName(fileNum)), 'r');
      this.readers.set(fileNum, reader);
    }
    const handle = await reader;
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buf, 0, length, offset);
    if (bytesRead !== length) {
      throw new LedgerError(
        'STORE_CORRUPTED',
        `block file ${join(this.opts.dir, blockFileName(fileNum))} ends before offset ${offset + length} that the index refers to`,
      );
    }
    return buf;
  }

  async close(): Promise<void> {
    this.closeWriter();
    const readers = [...this.readers.values()];
    this.readers.clear();
    for (const reader of readers) await (await reader).close();
  }

  private openForAppend(): void {
    const path = join(this.opts.dir, blockFileName(this.end.fileNum));
    try {
      this.fd = openSync(path, existsSync(path) ? 'r+' : 'w+');
    } catch (err) {
      throw new LedgerError('STORE_UNAVAILABLE', `cannot open block file ${path}: ${String(err)}`, { cause: err });
    }
  }

  private closeWriter(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

// Reads the records of one file from `from.endOffset` on, collecting complete blocks and cutting a
// torn tail. Returns the end of the last complete record.
function scanFile(dir: string, from: BlockFilesEnd, out: RecoveredBlock[]): BlockFilesEnd {
  const path = join(dir, blockFileName(from.fileNum));
  if (!existsSync(path)) {
    if (from.endOffset === 0) return from;
    throw new LedgerError('STORE_CORRUPTED', `block file ${path} is missing; the ledger index refers to ${from.endOffset} bytes of it`);
  }
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (err) {
    throw new LedgerError('STORE_UNAVAILABLE', `cannot open block file ${path}: ${String(err)}`, { cause: err });
  }
  try {
    const size = fstatSync(fd).size;
    if (size < from.endOffset) {
      throw new LedgerError(
        'STORE_CORRUPTED',
        `block file ${path} is ${size} bytes long but the ledger index refers to ${from.endOffset} bytes: it was truncated or replaced`,
      );
    }
    if (size === from.endOffset) return from;
    const tail = Buffer.allocUnsafe(size - from.endOffset);
    readSync(fd, tail, 0, tail.length, from.endOffset);
    const r = new ByteReader(tail);
    let consumed = 0;
    while (r.remaining > 0) {
      let body: Uint8Array;
      try {
        body = r.bytes();
      } catch (err) {
        if (!(err instanceof TruncatedInputError)) throw err;
        // The process died inside this record's write: drop it, it was never indexed.
        ftruncateSync(fd, from.endOffset + consumed);
        break;
      }
      const offset = from.endOffset + (r.pos - body.length);
      let parsed: ReturnType<typeof deserializeBlock>;
      try {
        parsed = deserializeBlock(body);
      } catch (err) {
        throw new LedgerError('STORE_CORRUPTED', `block file ${path} holds an unreadable block at offset ${offset}: ${String(err)}`, {
          cause: err,
        });
      }
      consumed = r.pos;
      const end = { fileNum: from.fileNum, endOffset: from.endOffset + consumed };
      out.push({ ...parsed, location: { fileNum: from.fileNum, offset, length: body.length }, end });
    }
    return { fileNum: from.fileNum, endOffset: from.endOffset + consumed };
  } finally {
    closeSync(fd);
  }
}
