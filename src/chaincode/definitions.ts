/**
 * A chaincode's definition on a channel, as the validator and other consumers need it, whichever
 * lifecycle recorded it (lscc today; `_lifecycle` will add a second source).
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
}

/** Where definitions are read: every consumer reads them through this one interface. */
export interface ChaincodeDefinitionSource {
  /** The definition of `name` on the channel as of the last committed block; undefined when there is none. */
  definition(channelId: string, name: string): Promise<ChaincodeDefinition | undefined>;
}
