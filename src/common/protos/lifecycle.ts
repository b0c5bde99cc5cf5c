/**
 * The `_lifecycle` protobufs (Fabric 2.x `peer/lifecycle/*.proto`): the SCC's argument and result
 * messages, the definition parts it keeps in state, and ApplicationPolicy (peer/policy.proto),
 * the form a definition's endorsement policy takes. Deep imports: see peer.ts.
 */
import lifecyclePb from '@hyperledger/fabric-protos/lib/peer/lifecycle/lifecycle_pb.js';
import definitionPb from '@hyperledger/fabric-protos/lib/peer/lifecycle/chaincode_definition_pb.js';
import dbPb from '@hyperledger/fabric-protos/lib/peer/lifecycle/db_pb.js';
import policyPb from '@hyperledger/fabric-protos/lib/peer/policy_pb.js';

export const {
  InstallChaincodeArgs,
  InstallChaincodeResult,
  QueryInstalledChaincodeArgs,
  QueryInstalledChaincodeResult,
  GetInstalledChaincodePackageArgs,
  GetInstalledChaincodePackageResult,
  QueryInstalledChaincodesArgs,
  QueryInstalledChaincodesResult,
  ApproveChaincodeDefinitionForMyOrgArgs,
  ApproveChaincodeDefinitionForMyOrgResult,
  ChaincodeSource,
  CommitChaincodeDefinitionArgs,
  CommitChaincodeDefinitionResult,
  CheckCommitReadinessArgs,
  CheckCommitReadinessResult,
  QueryApprovedChaincodeDefinitionArgs,
  QueryApprovedChaincodeDefinitionResult,
  QueryChaincodeDefinitionArgs,
  QueryChaincodeDefinitionResult,
  QueryChaincodeDefinitionsArgs,
  QueryChaincodeDefinitionsResult,
} = lifecyclePb;
export type InstallChaincodeArgs = InstanceType<typeof lifecyclePb.InstallChaincodeArgs>;
export type ApproveChaincodeDefinitionForMyOrgArgs = InstanceType<typeof lifecyclePb.ApproveChaincodeDefinitionForMyOrgArgs>;
export type CommitChaincodeDefinitionArgs = InstanceType<typeof lifecyclePb.CommitChaincodeDefinitionArgs>;
export type CheckCommitReadinessArgs = InstanceType<typeof lifecyclePb.CheckCommitReadinessArgs>;
export type QueryApprovedChaincodeDefinitionResult = InstanceType<typeof lifecyclePb.QueryApprovedChaincodeDefinitionResult>;
export type QueryChaincodeDefinitionResult = InstanceType<typeof lifecyclePb.QueryChaincodeDefinitionResult>;
export type QueryInstalledChaincodesResult = InstanceType<typeof lifecyclePb.QueryInstalledChaincodesResult>;
export type ChaincodeSource = InstanceType<typeof lifecyclePb.ChaincodeSource>;

export const { ChaincodeEndorsementInfo, ChaincodeValidationInfo } = definitionPb;
export type ChaincodeEndorsementInfo = InstanceType<typeof definitionPb.ChaincodeEndorsementInfo>;
export type ChaincodeValidationInfo = InstanceType<typeof definitionPb.ChaincodeValidationInfo>;

export const { StateMetadata: LifecycleStateMetadata, StateData } = dbPb;
export type LifecycleStateMetadata = InstanceType<typeof dbPb.StateMetadata>;
export type StateData = InstanceType<typeof dbPb.StateData>;

export const { ApplicationPolicy } = policyPb;
export type ApplicationPolicy = InstanceType<typeof policyPb.ApplicationPolicy>;
