import type { CollectionConfigPackage } from '../common/protos/collection.js';
import {
  ApplicationPolicy,
  ApproveChaincodeDefinitionForMyOrgArgs,
  ChaincodeSource,
  CheckCommitReadinessArgs,
  CommitChaincodeDefinitionArgs,
} from '../common/protos/lifecycle.js';
import { parseSignaturePolicy } from '../policies/signature-policy-dsl.js';

/** A chaincode definition, read and checked: what approveformyorg, checkcommitreadiness and commit send. */
export interface ChaincodeDefinitionInput {
  channelId: string;
  name: string;
  version: string;
  sequence: number;
  /** '' when none was given: the definition names no package (ChaincodeSource.Unavailable). */
  packageId: string;
  initRequired: boolean;
  endorsementPlugin: string;
  validationPlugin: string;
  /** A serialized ApplicationPolicy; empty when no policy was given, and the peer applies the channel's default. */
  validationParameter: Uint8Array;
  collections: CollectionConfigPackage | undefined;
}

/** A definition's validation parameter holding a signature policy (`"OR('Org1MSP.peer')"`); throws when it does not parse. */
export function applicationSignaturePolicy(expression: string): Uint8Array {
  const policy = new ApplicationPolicy();
  policy.setSignaturePolicy(parseSignaturePolicy(expression));
  return policy.serializeBinary();
}

/** A definition's validation parameter naming a channel config policy (`/Channel/Application/Endorsement`). */
export function applicationPolicyReference(reference: string): Uint8Array {
  const policy = new ApplicationPolicy();
  policy.setChannelConfigPolicyReference(reference);
  return policy.serializeBinary();
}

/** The parts every definition message shares, set on any of the three. */
function setDefinition(
  args: CommitChaincodeDefinitionArgs | CheckCommitReadinessArgs | ApproveChaincodeDefinitionForMyOrgArgs,
  def: ChaincodeDefinitionInput,
): void {
  args.setName(def.name);
  args.setVersion(def.version);
  args.setSequence(def.sequence);
  args.setEndorsementPlugin(def.endorsementPlugin);
  args.setValidationPlugin(def.validationPlugin);
  args.setValidationParameter(def.validationParameter);
  args.setInitRequired(def.initRequired);
  if (def.collections !== undefined) args.setCollections(def.collections);
}

/** `_lifecycle`'s ApproveChaincodeDefinitionForMyOrg argument: the definition and the package this org runs it from. */
export function approveArgs(def: ChaincodeDefinitionInput): ApproveChaincodeDefinitionForMyOrgArgs {
  const args = new ApproveChaincodeDefinitionForMyOrgArgs();
  setDefinition(args, def);
  const source = new ChaincodeSource();
  if (def.packageId === '') {
    source.setUnavailable(new ChaincodeSource.Unavailable());
  } else {
    const local = new ChaincodeSource.Local();
    local.setPackageId(def.packageId);
    source.setLocalPackage(local);
  }
  args.setSource(source);
  return args;
}

/** `_lifecycle`'s CommitChaincodeDefinition argument. */
export function commitArgs(def: ChaincodeDefinitionInput): CommitChaincodeDefinitionArgs {
  const args = new CommitChaincodeDefinitionArgs();
  setDefinition(args, def);
  return args;
}

/** `_lifecycle`'s CheckCommitReadiness argument. */
export function checkCommitReadinessArgs(def: ChaincodeDefinitionInput): CheckCommitReadinessArgs {
  const args = new CheckCommitReadinessArgs();
  setDefinition(args, def);
  return args;
}
