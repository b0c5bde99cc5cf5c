/**
 * Bigints to and from the content octets of an ASN.1 INTEGER (big-endian two's complement), the
 * form @peculiar/asn1-schema hands INTEGER fields over in (serial numbers, ECDSA r and s).
 */

/** The value of an INTEGER's content octets. */
export function bigintOfOctets(octets: ArrayBuffer | Uint8Array): bigint {
  const bytes = octets instanceof Uint8Array ? octets : new Uint8Array(octets);
  if (bytes.length === 0) throw new Error('empty INTEGER');
  const value = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  // A set top bit means a negative number.
  return ((bytes[0] ?? 0) & 0x80) === 0 ? value : value - (1n << BigInt(bytes.length * 8));
}

/** A non-negative value as minimal INTEGER content octets: a 0 first when the top bit would be set. */
export function octetsOfBigint(value: bigint): ArrayBuffer {
  if (value < 0n) throw new RangeError('a non-negative INTEGER is expected');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return Uint8Array.from(Buffer.from(hex, 'hex')).buffer;
}
