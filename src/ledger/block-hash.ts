import { createHash } from 'node:crypto';
import type { Block } from './protos.js';

/**
 * The hash Fabric gives a block: SHA-256 over the ASN.1 DER encoding of
 * SEQUENCE { number INTEGER, previousHash OCTET STRING, dataHash OCTET STRING }.
 * Only these three fields are hashed, so metadata (signatures, the validation flags the committer
 * fills in) can change without changing the chain.
 */
export function blockHeaderHash(header: { number: number; previousHash: Uint8Array; dataHash: Uint8Array }): Uint8Array {
  return createHash('sha256').update(blockHeaderBytes(header)).digest();
}

/** The DER bytes of a block header, as Go's `asn1.Marshal` produces them for Fabric. */
export function blockHeaderBytes(header: { number: number; previousHash: Uint8Array; dataHash: Uint8Array }): Uint8Array {
  const body = Buffer.concat([
    derElement(0x02, derInteger(header.number)),
    derElement(0x04, header.previousHash),
    derElement(0x04, header.dataHash),
  ]);
  return derElement(0x30, body);
}

/** The hash of a block's own header. */
export function hashOfBlock(block: Block): Uint8Array {
  const header = block.getHeader();
  return blockHeaderHash({
    number: header?.getNumber() ?? 0,
    previousHash: header?.getPreviousHash_asU8() ?? new Uint8Array(0),
    dataHash: header?.getDataHash_asU8() ?? new Uint8Array(0),
  });
}

/** SHA-256 over the concatenated data entries (the envelopes), as Fabric 2.x computes data hashes. */
export function blockDataHash(data: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const entry of data) hash.update(entry);
  return hash.digest();
}

// Minimal two's complement big-endian bytes of a non-negative integer: a leading zero byte is
// needed whenever the top bit would otherwise read as a sign bit.
function derInteger(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`block number ${value} out of range`);
  const bytes: number[] = [];
  let v = BigInt(value);
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return Uint8Array.from(bytes);
}

function derElement(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Uint8Array.of(tag), derLength(content.length), content]);
}

// Short form below 128; long form is 0x80|count followed by the length's big-endian bytes.
function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let v = length; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}
