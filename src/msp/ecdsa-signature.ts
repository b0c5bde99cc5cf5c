import type { KeyObject } from 'node:crypto';
import { ECDSASigValue } from '@peculiar/asn1-ecc/build/cjs/ec_signature_value.js';
import { AsnConvert } from '@peculiar/asn1-schema';
import { bigintOfOctets, octetsOfBigint } from './integer-octets.js';

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
 * one. The ASN.1 parser reads BER and ignores what follows the value, so the signature must also be
 * its own re-encoding: DER lengths, nothing after it (OpenSSL's verify asks the same).
 */
export function parseEcdsaSignature(signature: Uint8Array): { r: bigint; s: bigint } | undefined {
  let value: ECDSASigValue;
  try {
    value = AsnConvert.parse(signature, ECDSASigValue);
  } catch {
    return undefined;
  }
  if (!Buffer.from(AsnConvert.serialize(value)).equals(signature)) return undefined;
  const r = bigintOfOctets(value.r);
  const s = bigintOfOctets(value.s);
  if (r <= 0n || s <= 0n) return undefined;
  return { r, s };
}

export function encodeEcdsaSignature(r: bigint, s: bigint): Uint8Array<ArrayBuffer> {
  return new Uint8Array(AsnConvert.serialize(new ECDSASigValue({ r: octetsOfBigint(r), s: octetsOfBigint(s) })));
}

/** Fabric refuses an ECDSA signature whose s is above half the curve order (the malleable twin of a valid one). */
export function isLowS(s: bigint, order: bigint): boolean {
  return s <= order >> 1n;
}

/** The low-S DER form of a signature: s replaced by order - s when it is high. */
export function toLowS(signature: Uint8Array, order: bigint): Uint8Array {
  const parsed = parseEcdsaSignature(signature);
  if (parsed === undefined) throw new Error('not a DER ECDSA signature');
  return encodeEcdsaSignature(parsed.r, isLowS(parsed.s, order) ? parsed.s : order - parsed.s);
}
