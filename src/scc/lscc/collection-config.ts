import type { CollectionInfo, CollectionInfoProvider, CommittedStateReader } from '../../ledger/index.js';
import { policyMspIds } from '../../policies/signature-policy-dsl.js';
import { CollectionConfigPackage } from '../../common/protos/collection.js';
import { SccError } from '../scc-error.js';

/** Where lscc keeps a chaincode's collection configuration: next to its definition, under `<name>~collection`. */
export function collectionKey(chaincodeName: string): string {
  return `${chaincodeName}~collection`;
}

/** A collection of a chaincode, as its configuration defines it (Fabric's StaticCollectionConfig). */
export interface StaticCollection {
  name: string;
  /** MSP ids of the member organisations, from the member policy's principals. */
  memberOrgs: string[];
  requiredPeerCount: number;
  maximumPeerCount: number;
  blockToLive: number;
  memberOnlyRead: boolean;
  memberOnlyWrite: boolean;
}

const COLLECTION_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Reads a CollectionConfigPackage as lscc takes it at instantiation, and checks it: each
 * collection named once, with a valid name, a member policy and sensible peer counts. Returns the
 * reason when it is refused.
 */
export function checkCollectionConfig(bytes: Uint8Array, chaincode: string): StaticCollection[] | string {
  let collections: StaticCollection[];
  try {
    collections = decodeCollections(bytes);
  } catch (err) {
    return `invalid collection configuration supplied for chaincode ${chaincode}: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (collections.length === 0) return `invalid collection configuration supplied for chaincode ${chaincode}: it defines no collection`;
  const seen = new Set<string>();
  for (const c of collections) {
    if (!COLLECTION_NAME.test(c.name)) return `collection-name: ${c.name} not allowed. A valid collection name follows the pattern: ${COLLECTION_NAME.source.slice(1, -1)}`;
    if (seen.has(c.name)) return `collection-name: ${c.name} -- found duplicate collection configuration`;
    seen.add(c.name);
    if (c.memberOrgs.length === 0) return `collection-name: ${c.name} -- collection member policy names no organisation`;
    if (c.requiredPeerCount < 0) return `collection-name: ${c.name} -- requiredPeerCount (${c.requiredPeerCount}) cannot be less than zero`;
    if (c.maximumPeerCount < c.requiredPeerCount) {
      return `collection-name: ${c.name} -- maximum peer count (${c.maximumPeerCount}) cannot be less than the required peer count (${c.requiredPeerCount})`;
    }
  }
  return collections;
}

/**
 * Why an upgrade's collections cannot replace the existing ones, or undefined when they can: as
 * in Fabric, every existing collection must stay, with the same blockToLive (data already
 * committed was kept on that promise); new collections may be added.
 */
export function checkCollectionUpgrade(existing: StaticCollection[], proposed: StaticCollection[]): string | undefined {
  const byName = new Map(proposed.map((c) => [c.name, c]));
  const missing = existing.filter((c) => !byName.has(c.name)).map((c) => c.name);
  if (missing.length > 0) return `the following existing collections are missing in the new collection configuration package: [${missing.join(', ')}]`;
  for (const old of existing) {
    const now = byName.get(old.name) as StaticCollection;
    if (now.blockToLive !== old.blockToLive) {
      return `the BlockToLive in an existing collection [${old.name}] modified. Existing value [${old.blockToLive}]`;
    }
  }
  return undefined;
}

/** The static collections of a serialized CollectionConfigPackage; throws when it cannot be read. */
export function decodeCollections(bytes: Uint8Array): StaticCollection[] {
  return CollectionConfigPackage.deserializeBinary(bytes)
    .getConfigList()
    .map((config) => {
      const s = config.getStaticCollectionConfig();
      if (s === undefined) throw new SccError('BAD_COLLECTION_CONFIG', 'only static collection configurations are supported');
      const policy = s.getMemberOrgsPolicy()?.getSignaturePolicy();
      return {
        name: s.getName(),
        memberOrgs: policy === undefined ? [] : policyMspIds(policy),
        requiredPeerCount: s.getRequiredPeerCount(),
        maximumPeerCount: s.getMaximumPeerCount(),
        blockToLive: s.getBlockToLive(),
        memberOnlyRead: s.getMemberOnlyRead(),
        memberOnlyWrite: s.getMemberOnlyWrite(),
      };
    });
}

/** Where a chaincode's collections, as configured, are read (lscc's store, or `_lifecycle`'s with implicit collections). */
export interface StaticCollectionSource {
  staticCollections(namespace: string, read: CommittedStateReader): Promise<ReadonlyMap<string, StaticCollection> | undefined>;
}

/**
 * The collections of each chaincode, read from lscc's namespace of a channel's state (Fabric's
 * collection store for the legacy lifecycle). A decoded configuration is reused while its bytes
 * stay the same.
 */
export class LsccCollectionStore implements CollectionInfoProvider {
  private readonly cache = new Map<string, { bytes: Uint8Array; collections: Map<string, StaticCollection> }>();

  /** `localMspId`: this peer's organisation, which keeps the private values of collections it is a member of. */
  constructor(private readonly localMspId: string) {}

  async collections(namespace: string, read: CommittedStateReader): Promise<ReadonlyMap<string, CollectionInfo> | undefined> {
    const found = await this.staticCollections(namespace, read);
    if (found === undefined) return undefined;
    const out = new Map<string, CollectionInfo>();
    for (const c of found.values()) {
      out.set(c.name, { name: c.name, blockToLive: c.blockToLive, memberOfThisPeer: c.memberOrgs.includes(this.localMspId) });
    }
    return out;
  }

  /** The chaincode's collections by name; undefined when it was instantiated without any. */
  async staticCollections(namespace: string, read: CommittedStateReader): Promise<ReadonlyMap<string, StaticCollection> | undefined> {
    const bytes = await read('lscc', collectionKey(namespace));
    if (bytes === undefined || bytes.length === 0) return undefined;
    const cached = this.cache.get(namespace);
    if (cached !== undefined && Buffer.from(cached.bytes).equals(bytes)) return cached.collections;
    const collections = new Map(decodeCollections(bytes).map((c) => [c.name, c]));
    this.cache.set(namespace, { bytes: Uint8Array.from(bytes), collections });
    return collections;
  }
}
