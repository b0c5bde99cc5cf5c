import { BoundedCache } from './bounded-cache.js';
import { FabricMsp } from './fabric-msp.js';
import type { IdentityDeserializer } from './identity.js';
import { MspError } from './msp-error.js';
import { deserializeCached } from './serialized-identity.js';
import type { X509Identity } from './x509-identity.js';

/** An MSP known by its ID, set up when an identity of it is first read. */
export interface DeferredMsp {
  readonly id: string;
  readonly setUp: () => FabricMsp;
}

/** The MSPs of a channel (or the local one), by MSP ID: deserializes an identity with the MSP it names. */
export class MspManager implements IdentityDeserializer {
  private readonly byId = new Map<string, FabricMsp>();
  /** MSPs set up on first use: those of a channel loaded at start, whose config was checked when it was joined. */
  private readonly deferred = new Map<string, () => FabricMsp>();
  private readonly cache: BoundedCache<string, X509Identity>;

  constructor(msps: Iterable<FabricMsp | DeferredMsp>, opts: { identityCacheSize?: number } = {}) {
    for (const msp of msps) {
      if (msp instanceof FabricMsp) this.byId.set(msp.id, msp);
      else this.deferred.set(msp.id, msp.setUp);
    }
    this.cache = new BoundedCache(opts.identityCacheSize ?? 4096);
  }

  getMsp(id: string): FabricMsp | undefined {
    const ready = this.byId.get(id);
    if (ready !== undefined) return ready;
    const setUp = this.deferred.get(id);
    if (setUp === undefined) return undefined;
    const msp = setUp();
    this.byId.set(id, msp);
    this.deferred.delete(id);
    return msp;
  }

  get mspIds(): string[] {
    return [...this.byId.keys(), ...this.deferred.keys()];
  }

  deserializeIdentity(serialized: Uint8Array): X509Identity {
    return deserializeCached(this.cache, serialized, (mspId, idBytes) => {
      const msp = this.getMsp(mspId);
      if (msp === undefined) throw new MspError('MSP_UNKNOWN', `MSP ${mspId} is not defined on channel`);
      return msp.identityOf(idBytes, serialized);
    });
  }
}
