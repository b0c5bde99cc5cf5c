import type { KeyObject } from 'node:crypto';
import { DER } from '@noble/curves/abstract/weierstrass.js';

/** Orders of the curves Fabric's BCCSP accepts, by node's curve name (from OpenSSL's parameters). */
const CURVE_ORDERS: ReadonlyMap<string, bigint> = new Map([
  ['prime256v1', 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n],
  ['secp384r1', 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n],
  [
    'secp521r1',
    0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  ],
  ['secp224r1', 0xffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3dn],
]);

/** The order of an EC key's curve; undefined for other keys and for curves Fabric does not know. */
export function curveOrderOf(key: KeyObject): bigint | undefined {
  if (key.asymmetricKeyType !== 'ec') return undefined;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === undefined ? undefined : CURVE_ORDERS.get(curve);
}

/**
 * r and s of a DER ECDSA signature (ECDSA-Sig-Value, positive r and s); undefined when it is not
 * one. The parser (the one fabric-gateway's signer uses) is strict DER: minimal lengths and
 * integers, nothing after the value, as OpenSSL's verify asks. It runs on every signature the
 * peer checks or makes, so it is a small one, not a general ASN.1 schema parser.
 */
export function parseEcdsaSignature(signature: Uint8Array): { r: bigint; s: bigint } | undefined {
  let sig: { r: bigint; s: bigint };
  try {
    sig = DER.toSig(signature);
  } catch {
    return undefined;
  }
  return sig.r > 0n && sig.s > 0n ? sig : undefined;
}

export function encodeEcdsaSignature(r: bigint, s: bigint): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(DER.hexFromSig({ r, s }), 'hex'));
}

/** Fabric refuses an ECDSA signature whose s is above half the curve order (the malleable twin of a valid one). */
export function isLowS(s: bigint, order: bigint): boolean {
  return s <= order >> 1n;
}

/**
 * Makes the check a verifier runs on every ECDSA signature of a curve before the verify itself:
 * true when the signature is strict DER (as parseEcdsaSignature reads it) with a positive r and a
 * positive s no greater than half the order. It compares bytes, without the BigInts and hex
 * strings parsing costs: it runs once per signature checked.
 */
export function lowSDerChecker(order: bigint): (signature: Uint8Array) => boolean {
  const halfOrder = unsignedBytes(order >> 1n);
  return (signature) => {
    const sequence = derValue(signature, 0, 0x30);
    if (sequence === undefined || sequence.end !== signature.length) return false;
    const r = derValue(signature, sequence.start, 0x02);
    if (r === undefined || !positiveInteger(signature, r)) return false;
    const s = derValue(signature, r.end, 0x02);
    if (s === undefined || s.end !== sequence.end || !positiveInteger(signature, s)) return false;
    // The magnitude of s: its bytes without the sign byte DER adds before a set top bit.
    const start = signature[s.start] === 0 ? s.start + 1 : s.start;
    const length = s.end - start;
    if (length !== halfOrder.length) return length < halfOrder.length;
    return Buffer.compare(signature.subarray(start, s.end), halfOrder) <= 0;
  };
}

/** Where the value of the DER element with `tag` at `at` lies; undefined when it is not one, or its length is not minimal DER. */
function derValue(bytes: Uint8Array, at: number, tag: number): { start: number; end: number } | undefined {
  if (bytes[at] !== tag) return undefined;
  const first = bytes[at + 1];
  if (first === undefined) return undefined;
  let length = first;
  let start = at + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    // Two length bytes reach 65,535: far beyond any signature of the curves above.
    if (count === 0 || count > 2 || bytes[start] === 0) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = bytes[start + i];
      if (byte === undefined) return undefined;
      length = length * 0x100 + byte;
    }
    if (length < 0x80) return undefined;
    start += count;
  }
  const end = start + length;
  return end <= bytes.length ? { start, end } : undefined;
}

/** A minimal DER INTEGER that is above zero: not negative, no needless leading zero, not empty, not 0. */
function positiveInteger(bytes: Uint8Array, value: { start: number; end: number }): boolean {
  const first = bytes[value.start];
  if (value.end <= value.start || first === undefined || first & 0x80) return false;
  if (first !== 0) return true;
  // A leading zero is there only for a set top bit after it (which also makes the value non-zero).
  return value.end - value.start > 1 && ((bytes[value.start + 1] ?? 0) & 0x80) !== 0;
}

/** The big-endian bytes of a positive BigInt, without leading zeros. */
function unsignedBytes(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
}

/**
 * Makes the encoder of IEEE P1363 signatures (r || s, as node:crypto signs with
 * `dsaEncoding: 'ieee-p1363'`) of a curve into their low-S DER form, written straight from the
 * fixed-width halves. s is compared with half the order as bytes, and one above it is replaced
 * by order - s, subtracted byte by byte. Each endorsement the peer signs passes here.
 */
export function lowSDerEncoder(order: bigint): (raw: Uint8Array) => Uint8Array {
  const width = Math.ceil(order.toString(16).length / 2);
  const orderBytes = Buffer.from(order.toString(16).padStart(width * 2, '0'), 'hex');
  const halfOrder = Buffer.from((order >> 1n).toString(16).padStart(width * 2, '0'), 'hex');
  return (raw) => {
    const half = raw.length / 2;
    if (half !== width) throw new RangeError(`a P1363 signature of ${raw.length} bytes does not match a curve of ${width}-byte order`);
    const r = raw.subarray(0, half);
    const s = raw.subarray(half);
    return derSequence(derInteger(r), derInteger(Buffer.compare(s, halfOrder) > 0 ? subtract(orderBytes, s) : s));
  };
}

/** a - b of two big-endian unsigned values of one width, a >= b. */
function subtract(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  let borrow = 0;
  for (let i = a.length - 1; i >= 0; i--) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0) - borrow;
    out[i] = difference & 0xff;
    borrow = difference < 0 ? 1 : 0;
  }
  return out;
}

/** A DER INTEGER of an unsigned big-endian value: leading zeros dropped, one added when the top bit is set. */
function derInteger(value: Uint8Array): Uint8Array {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const pad = (value[start] ?? 0) & 0x80 ? 1 : 0;
  const length = value.length - start + pad;
  const out = new Uint8Array(2 + length);
  out[0] = 0x02;
  out[1] = length;
  out.set(value.subarray(start), 2 + pad);
  return out;
}

/** A DER SEQUENCE of two encoded values (short or one-byte long form: ECDSA signatures of the curves above fit). */
function derSequence(a: Uint8Array, b: Uint8Array): Uint8Array {
  const length = a.length + b.length;
  const head = length < 0x80 ? [0x30, length] : [0x30, 0x81, length];
  // From Node's pool: a signature is made on every endorsement, and a typed array this size would be malloc'd.
  const out = Buffer.allocUnsafe(head.length + length);
  out.set(head, 0);
  out.set(a, head.length);
  out.set(b, head.length + a.length);
  return out;
}
