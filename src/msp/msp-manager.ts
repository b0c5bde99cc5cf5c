import { BoundedCache } from './bounded-cache.js';
import type { FabricMsp } from './fabric-msp.js';
import type { IdentityDeserializer } from './identity.js';
import { MspError } from './msp-error.js';
import { deserializeCached } from './serialized-identity.js';
import type { X509Identity } from './x509-identity.js';

/** The MSPs of a channel (or the local one), by MSP ID: deserializes an identity with the MSP it names. */
export class MspManager implements IdentityDeserializer {
  private readonly byId = new Map<string, FabricMsp>();
  private readonly cache: BoundedCache<string, X509Identity>;

  constructor(msps: Iterable<FabricMsp>, opts: { identityCacheSize?: number } = {}) {
    for (const msp of msps) this.byId.set(msp.id, msp);
    this.cache = new BoundedCache(opts.identityCacheSize ?? 4096);
  }

  getMsp(id: string): FabricMsp | undefined {
    return this.byId.get(id);
  }

  get mspIds(): string[] {
    return [...this.byId.keys()];
  }

  deserializeIdentity(serialized: Uint8Array): X509Identity {
    return deserializeCached(this.cache, serialized, (mspId, idBytes) => {
      const msp = this.byId.get(mspId);
      if (msp === undefined) throw new MspError('MSP_UNKNOWN', `MSP ${mspId} is not defined on channel`);
      return msp.identityOf(idBytes, serialized);
    });
  }
}
