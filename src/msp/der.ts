/**
 * A minimal DER reader: just enough of ASN.1 to read the parts of certificates and CRLs that
 * node:crypto's X509Certificate does not expose (subject OUs, key identifiers, revoked serials)
 * and to re-encode ECDSA signatures. Every read is bounds-checked and throws DerError.
 */
export class DerError extends Error {}

/** One tag-length-value element of `bytes`: its content is bytes[contentStart, end). */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** The element that starts at `offset` (and must end by `limit`). */
export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv {
  const tag = bytes[offset];
  const first = bytes[offset + 1];
  if (tag === undefined || first === undefined) throw new DerError(`truncated DER at ${offset}`);
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not supported');
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new DerError(`unsupported DER length at ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) {
      const b = bytes[contentStart + i];
      if (b === undefined) throw new DerError(`truncated DER length at ${offset}`);
      length = length * 256 + b;
    }
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError(`DER element at ${offset} overruns its container`);
  return { tag, start: offset, contentStart, end };
}

/** The elements inside a constructed element. */
export function childrenOf(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; ) {
    const child = readTlv(bytes, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

/** The element at `offset`, which must carry `tag`. */
export function expectTlv(bytes: Uint8Array, tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv?.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found ${tlv === undefined ? 'nothing' : `0x${tlv.tag.toString(16)}`}`);
  return tlv;
}

export function contentOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.contentStart, tlv.end);
}

export function wholeOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.start, tlv.end);
}

/** An OID's content bytes as hex, the form OIDs are compared in here. */
export function oidHex(bytes: Uint8Array, tlv: Tlv): string {
  return Buffer.from(contentOf(bytes, tlv)).toString('hex');
}

/** An unsigned INTEGER's value, for serial numbers and signature components. */
export function integerOf(bytes: Uint8Array, tlv: Tlv): bigint {
  const content = contentOf(bytes, tlv);
  if (content.length === 0) throw new DerError('empty INTEGER');
  let value = 0n;
  for (const b of content) value = (value << 8n) | BigInt(b);
  // Two's complement: a set top bit means a negative number.
  if ((content[0] ?? 0) & 0x80) value -= 1n << BigInt(content.length * 8);
  return value;
}

/** UTCTime or GeneralizedTime. */
export function timeOf(bytes: Uint8Array, tlv: Tlv): Date {
  const text = Buffer.from(contentOf(bytes, tlv)).toString('latin1');
  const match = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(text);
  if (match === null || (tlv.tag !== TAG.UTC_TIME && tlv.tag !== TAG.GENERALIZED_TIME)) throw new DerError(`unsupported time ${text}`);
  const [, y = '', mo = '', d = '', h = '', mi = '', s = '00'] = match;
  let year = Number(y);
  // RFC 5280: a two-digit year below 50 is 20xx.
  if (y.length === 2) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

/** A DER length header followed by content. */
export function encodeTlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else if (n < 0x100) header = [tag, 0x81, n];
  else if (n < 0x10000) header = [tag, 0x82, n >> 8, n & 0xff];
  else header = [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(header.length + n);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

/** A non-negative INTEGER in its minimal DER form. */
export function encodeUnsignedInteger(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let content = Buffer.from(hex, 'hex');
  if ((content[0] ?? 0) & 0x80) content = Buffer.concat([Buffer.of(0), content]);
  return encodeTlv(TAG.INTEGER, content);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
