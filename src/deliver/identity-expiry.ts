import { X509Certificate } from 'node:crypto';
import { SerializedIdentity } from '../common/protos/msp.js';

/**
 * When a creator's certificate stops being valid (its notAfter), as Fabric's crypto.ExpiresAt
 * reads it; undefined for an identity that is not an X.509 certificate, which never expires here.
 */
export function certificateExpiry(serializedIdentity: Uint8Array): Date | undefined {
  try {
    const id = SerializedIdentity.deserializeBinary(serializedIdentity);
    return new Date(new X509Certificate(id.getIdBytes_asU8()).validTo);
  } catch {
    return undefined;
  }
}
