import { errorMessage } from '../common/errors/weft-error.js';
import { SerializedIdentity } from '../common/protos/msp.js';
import type { BoundedCache } from './bounded-cache.js';
import { MspError } from './msp-error.js';
import type { X509Identity } from './x509-identity.js';

/**
 * Deserializes a SerializedIdentity through a cache keyed by its bytes, so that a client seen
 * before costs a map lookup: `resolve` turns its MSP ID and certificate bytes into an identity.
 * A malformed one is IDENTITY_MALFORMED.
 */
export function deserializeCached(
  cache: BoundedCache<string, X509Identity>,
  serialized: Uint8Array,
  resolve: (mspId: string, idBytes: Uint8Array) => X509Identity,
): X509Identity {
  const cacheKey = Buffer.from(serialized.buffer, serialized.byteOffset, serialized.byteLength).toString('latin1');
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached;
  let mspId: string;
  let idBytes: Uint8Array;
  try {
    const sid = SerializedIdentity.deserializeBinary(serialized);
    mspId = sid.getMspid();
    idBytes = sid.getIdBytes_asU8();
  } catch (err) {
    throw new MspError('IDENTITY_MALFORMED', `could not deserialize a SerializedIdentity: ${errorMessage(err)}`, { cause: err });
  }
  const identity = resolve(mspId, idBytes);
  cache.set(cacheKey, identity);
  return identity;
}
