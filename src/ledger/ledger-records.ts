import { ByteReader, ByteWriter, TruncatedInputError } from '../common/protos/byte-codec.js';
import type { BlockFilesEnd, BlockLocation } from './block-file-store.js';
import type { Version } from './ledger.js';

/** A committed state value with its version and key-level metadata (e.g. endorsement policy). */
export interface VersionedValue {
  value: Uint8Array;
  version: Version;
  metadata: Map<string, Uint8Array> | undefined;
}

export function encodeVersionedValue(v: VersionedValue): Uint8Array {
  const w = new ByteWriter(v.value.length + 16);
  w.varint(v.version.blockNum).varint(v.version.txNum);
  const entries = v.metadata === undefined ? [] : [...v.metadata];
  w.varint(entries.length);
  for (const [name, value] of entries) w.string(name).bytes(value);
  w.raw(v.value);
  return w.finish();
}

export function decodeVersionedValue(raw: Uint8Array): VersionedValue {
  // Range scans decode every entry, so the common case (one-byte tx number, no metadata) is read
  // without a ByteReader.
  let pos = 0;
  let blockNum = 0;
  for (let scale = 1; ; scale *= 0x80) {
    const byte = raw[pos++];
    if (byte === undefined) throw new TruncatedInputError('state value ends inside its version');
    blockNum += (byte & 0x7f) * scale;
    if (byte < 0x80) break;
  }
  const txNum = raw[pos];
  const count = raw[pos + 1];
  if (txNum !== undefined && txNum < 0x80 && count === 0) {
    return { version: { blockNum, txNum }, metadata: undefined, value: raw.subarray(pos + 2) };
  }
  const r = new ByteReader(raw, pos);
  const version = { blockNum, txNum: r.varint() };
  const entries = r.varint();
  if (entries === 0) return { version, metadata: undefined, value: raw.subarray(r.pos) };
  const metadata = new Map<string, Uint8Array>();
  for (let i = 0; i < entries; i++) metadata.set(r.string(), r.bytes());
  return { version, metadata, value: raw.subarray(r.pos) };
}

/** Reads only the value: a query executor's range scan needs neither version nor metadata. */
export function valueOf(raw: Uint8Array): Uint8Array {
  const start = valueStart(raw);
  return start >= 0 ? raw.subarray(start) : decodeVersionedValue(raw).value;
}

/**
 * Where the value starts in a stored entry without metadata (most entries), so a scan can read it
 * in place; -1 when the entry has metadata and must be decoded.
 */
export function valueStart(raw: Uint8Array): number {
  let pos = 0;
  // Skip the two version varints.
  for (let varints = 0; varints < 2; pos++) if (((raw[pos] ?? 0) & 0x80) === 0) varints++;
  return raw[pos] === 0 ? pos + 1 : -1;
}

/** A version alone (an expiry entry's record of the write it expires), as it leads a versioned value. */
export function encodeVersion(v: Version): Uint8Array {
  return new ByteWriter(8).varint(v.blockNum).varint(v.txNum).finish();
}

/** Reads only the version, for MVCC checks and range scans that do not need the value. */
export function decodeVersion(raw: Uint8Array): Version {
  const r = new ByteReader(raw);
  return { blockNum: r.varint(), txNum: r.varint() };
}

/** What the ledger has committed: written in the same batch as the block's index and state. */
export interface Savepoint {
  height: number;
  currentBlockHash: Uint8Array;
  previousBlockHash: Uint8Array;
  filesEnd: BlockFilesEnd;
}

export function encodeSavepoint(s: Savepoint): Uint8Array {
  return new ByteWriter(96)
    .varint(s.height)
    .bytes(s.currentBlockHash)
    .bytes(s.previousBlockHash)
    .varint(s.filesEnd.fileNum)
    .varint(s.filesEnd.endOffset)
    .finish();
}

export function decodeSavepoint(raw: Uint8Array): Savepoint {
  const r = new ByteReader(raw);
  return {
    height: r.varint(),
    currentBlockHash: Uint8Array.from(r.bytes()),
    previousBlockHash: Uint8Array.from(r.bytes()),
    filesEnd: { fileNum: r.varint(), endOffset: r.varint() },
  };
}

export function encodeLocation(l: BlockLocation): Uint8Array {
  return new ByteWriter(24).varint(l.fileNum).varint(l.offset).varint(l.length).finish();
}

export function decodeLocation(raw: Uint8Array): BlockLocation {
  const r = new ByteReader(raw);
  return { fileNum: r.varint(), offset: r.varint(), length: r.varint() };
}

/** The txid index entry: where the transaction is and how it was validated. */
export interface TxIndexEntry {
  blockNum: number;
  txNum: number;
  validationCode: number;
  location: BlockLocation;
}

export function encodeTxIndexEntry(e: TxIndexEntry): Uint8Array {
  return new ByteWriter(40)
    .varint(e.blockNum)
    .varint(e.txNum)
    .varint(e.validationCode)
    .varint(e.location.fileNum)
    .varint(e.location.offset)
    .varint(e.location.length)
    .finish();
}

export function decodeTxIndexEntry(raw: Uint8Array): TxIndexEntry {
  const r = new ByteReader(raw);
  return {
    blockNum: r.varint(),
    txNum: r.varint(),
    validationCode: r.varint(),
    location: { fileNum: r.varint(), offset: r.varint(), length: r.varint() },
  };
}

export function encodeBlockNum(n: number): Uint8Array {
  return new ByteWriter(10).varint(n).finish();
}

export function decodeBlockNum(raw: Uint8Array): number {
  return new ByteReader(raw).varint();
}
