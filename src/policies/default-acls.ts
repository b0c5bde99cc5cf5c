/**
 * Fabric 2.5's default ACLs (core/aclmgmt/defaultaclprovider.go, resources/resources.go).
 *
 * Peer-wide resources are checked against the local MSP and cannot be overridden by a channel's
 * config; channel resources name a policy of the channel, and a channel config's ACLs may map
 * them elsewhere. `lscc/Deploy` and `lscc/Upgrade` have no ACL of their own (the proposal's
 * check covers them) and, as in Fabric, are unmapped.
 */
export const LOCAL_ACLS: ReadonlyMap<string, 'Admins' | 'Members'> = new Map([
  ['_lifecycle/InstallChaincode', 'Admins'],
  ['_lifecycle/QueryInstalledChaincode', 'Admins'],
  ['_lifecycle/GetInstalledChaincodePackage', 'Admins'],
  ['_lifecycle/QueryInstalledChaincodes', 'Admins'],
  ['_lifecycle/ApproveChaincodeDefinitionForMyOrg', 'Admins'],
  ['_lifecycle/QueryApprovedChaincodeDefinition', 'Admins'],
  ['snapshot/submitrequest', 'Admins'],
  ['snapshot/cancelrequest', 'Admins'],
  ['snapshot/listpending', 'Admins'],
  ['lscc/Install', 'Admins'],
  ['lscc/GetInstalledChaincodes', 'Admins'],
  ['cscc/JoinChain', 'Admins'],
  ['cscc/JoinChainBySnapshot', 'Admins'],
  ['cscc/JoinBySnapshotStatus', 'Admins'],
  ['cscc/GetChannels', 'Members'],
] as const);

const READERS = '/Channel/Application/Readers';
const WRITERS = '/Channel/Application/Writers';

export const CHANNEL_ACLS: ReadonlyMap<string, string> = new Map([
  ['_lifecycle/CommitChaincodeDefinition', WRITERS],
  ['_lifecycle/QueryChaincodeDefinition', WRITERS],
  ['_lifecycle/QueryChaincodeDefinitions', WRITERS],
  ['_lifecycle/CheckCommitReadiness', WRITERS],
  ['lscc/ChaincodeExists', READERS],
  ['lscc/GetDeploymentSpec', READERS],
  ['lscc/GetChaincodeData', READERS],
  ['lscc/GetInstantiatedChaincodes', READERS],
  ['lscc/GetCollectionsConfig', READERS],
  ['qscc/GetChainInfo', READERS],
  ['qscc/GetBlockByNumber', READERS],
  ['qscc/GetBlockByHash', READERS],
  ['qscc/GetTransactionByID', READERS],
  ['qscc/GetBlockByTxID', READERS],
  ['cscc/GetConfigBlock', READERS],
  ['cscc/GetChannelConfig', READERS],
  ['peer/Propose', WRITERS],
  ['peer/ChaincodeToChaincode', WRITERS],
  ['event/Block', READERS],
  ['event/FilteredBlock', READERS],
  ['gateway/CommitStatus', READERS],
  ['gateway/ChaincodeEvents', READERS],
]);
