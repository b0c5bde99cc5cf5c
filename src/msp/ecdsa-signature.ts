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
 * Makes the encoder of IEEE P1363 signatures (r || s, as node:crypto signs with
 * `dsaEncoding: 'ieee-p1363'`) of a curve into their low-S DER form, written straight from the
 * fixed-width halves. s is compared with half the order as bytes; only an s above it becomes a
 * BigInt, to be replaced by order - s. Each endorsement the peer signs passes here.
 */
export function lowSDerEncoder(order: bigint): (raw: Uint8Array) => Uint8Array {
  const width = Math.ceil(order.toString(16).length / 2);
  const halfOrder = Buffer.from((order >> 1n).toString(16).padStart(width * 2, '0'), 'hex');
  return (raw) => {
    const half = raw.length / 2;
    if (half !== width) throw new RangeError(`a P1363 signature of ${raw.length} bytes does not match a curve of ${width}-byte order`);
    const r = raw.subarray(0, half);
    let s = raw.subarray(half);
    if (Buffer.compare(s, halfOrder) > 0) {
      const high = BigInt(`0x${Buffer.from(s.buffer, s.byteOffset, half).toString('hex')}`);
      s = Buffer.from((order - high).toString(16).padStart(half * 2, '0'), 'hex');
    }
    return derSequence(derInteger(r), derInteger(s));
  };
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
  const out = new Uint8Array(head.length + length);
  out.set(head, 0);
  out.set(a, head.length);
  out.set(b, head.length + a.length);
  return out;
}
