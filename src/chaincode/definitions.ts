/**
 * A chaincode's definition on a channel, as the validator and other consumers need it, whichever
 * lifecycle recorded it: lscc (Fabric 1.x), or `_lifecycle` (2.x) with the fields only it has.
 */
export interface ChaincodeDefinition {
  name: string;
  version: string;
  /**
   * The endorsement policy: SignaturePolicyEnvelope bytes; empty for a definition recorded
   * without one (lscc definitions made before Weft kept the deploy's policy).
   */
  endorsementPolicy: Uint8Array;
  /** The validation plugin named by the definition ('vscc' for Fabric's built-in one). */
  validationPlugin: string;
  /** The endorsement plugin named by the definition ('escc'). */
  endorsementPlugin: string;
  /**
   * A channel config policy the endorsements must satisfy instead (`/Channel/Application/Endorsement`,
   * `_lifecycle`'s default), when the definition's ApplicationPolicy names one.
   */
  channelConfigPolicy?: string | undefined;
  /** `_lifecycle`'s sequence of the definition; undefined for lscc's. */
  sequence?: number | undefined;
  /** `_lifecycle`: the first invocation must be an Init (`--isInit`). */
  initRequired?: boolean | undefined;
  /** `_lifecycle`: the package this peer's org approved for this definition, when it approved exactly it. */
  approvedPackageId?: string | undefined;
  /** `_lifecycle`: did this peer's org approve exactly this definition? */
  approvedByThisOrg?: boolean | undefined;
  /** `_lifecycle`: the definition's collections (a marshalled CollectionConfigPackage; empty for none). */
  collections?: Uint8Array | undefined;
}

/** Where definitions are read: every consumer reads them through this one interface. */
export interface ChaincodeDefinitionSource {
  /** The definition of `name` on the channel as of the last committed block; undefined when there is none. */
  definition(channelId: string, name: string): Promise<ChaincodeDefinition | undefined>;
}
