import { createHash } from 'node:crypto';

/**
 * Where private data lives in world state. As in Fabric, a collection's values go to a derived
 * namespace `<chaincode>$$p<collection>` that only member peers fill, and their hashes, keyed by
 * the key's hash, to `<chaincode>$$h<collection>` that every peer keeps. `$` cannot appear in a
 * chaincode name, so these never meet a chaincode's own namespace.
 */
export function privateNamespace(namespace: string, collection: string): string {
  return `${namespace}$$p${collection}`;
}

export function hashedNamespace(namespace: string, collection: string): string {
  return `${namespace}$$h${collection}`;
}

/** A private or hashed namespace: left out of key history, as Fabric's history database does. */
export function isDerivedNamespace(namespace: string): boolean {
  return namespace.includes('$$');
}

/** The chaincode and collection of a private or hashed namespace; undefined for any other. */
export function parseDerivedNamespace(namespace: string): { namespace: string; collection: string } | undefined {
  const at = namespace.indexOf('$$');
  if (at < 0) return undefined;
  return { namespace: namespace.slice(0, at), collection: namespace.slice(at + 3) };
}

export function sha256(data: Uint8Array | string): Uint8Array {
  return createHash('sha256').update(data).digest();
}

/** The state key of a hashed entry: the key hash in hex, so the database key stays a valid string. */
export function hashedStateKey(keyHash: Uint8Array): string {
  return Buffer.from(keyHash.buffer, keyHash.byteOffset, keyHash.byteLength).toString('hex');
}
