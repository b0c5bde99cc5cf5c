/** What the ledger needs to know of one private data collection. */
export interface CollectionInfo {
  name: string;
  /** Blocks its values and hashes are kept after their last write; 0 keeps them for ever. */
  blockToLive: number;
  /** Whether this peer's organisation is a member: only members keep the private values. */
  memberOfThisPeer: boolean;
}

/** Reads a committed state value (no read is recorded). */
export type CommittedStateReader = (namespace: string, key: string) => Promise<Uint8Array | undefined>;

/**
 * The collections of a chaincode, as its definition configures them. The ledger does not know
 * where definitions live (lscc's namespace in Fabric 1.x): the peer tells it.
 */
export interface CollectionInfoProvider {
  /** The chaincode's collections by name; undefined when it has no collection configuration. */
  collections(namespace: string, read: CommittedStateReader): Promise<ReadonlyMap<string, CollectionInfo> | undefined>;
}
