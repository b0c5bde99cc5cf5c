import { mspIdOfImplicitCollection } from '../../chaincode/implicit-collection.js';
import type { CollectionInfo, CollectionInfoProvider, CommittedStateReader } from '../../ledger/index.js';
import { decodeCollections, type LsccCollectionStore, type StaticCollection } from '../lscc/collection-config.js';
import { NAMESPACES } from './definition-state.js';
import { LIFECYCLE_NAMESPACE } from './lifecycle-namespace.js';
import { readBytes, readMetadata, type ReadableState } from './state-serializer.js';

/**
 * A chaincode's collections by name, with every organisation's implicit collection besides the
 * configured ones: `_implicit_org_<MSPID>` exists for any org, whose members alone keep its values.
 */
class WithImplicit<T> extends Map<string, T> {
  constructor(
    entries: Iterable<readonly [string, T]>,
    private readonly implicit: (name: string, mspId: string) => T,
  ) {
    super(entries);
  }

  override get(name: string): T | undefined {
    const found = super.get(name);
    if (found !== undefined) return found;
    const mspId = mspIdOfImplicitCollection(name);
    return mspId === undefined ? undefined : this.implicit(name, mspId);
  }
}

/**
 * The collections of each chaincode: for one `_lifecycle` defines (and `_lifecycle` itself), its
 * definition's collections and the implicit ones; otherwise lscc's configuration.
 */
export class LifecycleCollections implements CollectionInfoProvider {
  constructor(
    private readonly localMspId: string,
    private readonly legacy: LsccCollectionStore,
  ) {}

  async collections(namespace: string, read: CommittedStateReader): Promise<ReadonlyMap<string, CollectionInfo> | undefined> {
    const found = await this.configured(namespace, read);
    if (found === undefined) return this.legacy.collections(namespace, read);
    return new WithImplicit(
      found.map((c) => [c.name, { name: c.name, blockToLive: c.blockToLive, memberOfThisPeer: c.memberOrgs.includes(this.localMspId) }] as const),
      (name, mspId) => ({ name, blockToLive: 0, memberOfThisPeer: mspId === this.localMspId }),
    );
  }

  async staticCollections(namespace: string, read: CommittedStateReader): Promise<ReadonlyMap<string, StaticCollection> | undefined> {
    const found = await this.configured(namespace, read);
    if (found === undefined) return this.legacy.staticCollections(namespace, read);
    return new WithImplicit(
      found.map((c) => [c.name, c] as const),
      (name, mspId) => ({ name, memberOrgs: [mspId], requiredPeerCount: 0, maximumPeerCount: 0, blockToLive: 0, memberOnlyRead: false, memberOnlyWrite: false }),
    );
  }

  /** The configured collections of a chaincode `_lifecycle` defines; undefined for any other. */
  private async configured(namespace: string, read: CommittedStateReader): Promise<StaticCollection[] | undefined> {
    if (namespace === LIFECYCLE_NAMESPACE) return [];
    const state: ReadableState = { getState: (key) => read(LIFECYCLE_NAMESPACE, key) };
    if ((await readMetadata(NAMESPACES, namespace, state)) === undefined) return undefined;
    const bytes = await readBytes(NAMESPACES, namespace, 'Collections', state);
    return bytes.length === 0 ? [] : decodeCollections(bytes);
  }
}
