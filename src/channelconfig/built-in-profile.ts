import { join } from 'node:path';
import type { ConfigtxOrganization, ConfigtxPolicies, ConfigtxProfile } from './configtx.js';

/** The orderer's one address: the built-in channel runs on one machine. */
export const BUILT_IN_ORDERER_ADDRESS = '127.0.0.1:7050';

const signature = (rule: string): { type: string; rule: string } => ({ type: 'Signature', rule });
const meta = (rule: string): { type: string; rule: string } => ({ type: 'ImplicitMeta', rule });
const standardMeta: NonNullable<ConfigtxPolicies> = [
  ['Readers', meta('ANY Readers')],
  ['Writers', meta('ANY Writers')],
  ['Admins', meta('MAJORITY Admins')],
];

/**
 * The profile used when no configtx.yaml is given: fabric-samples test-network's ChannelUsingRaft
 * with Org1 only. `cryptoDir` is laid out as cryptogen writes it: peerOrganizations/org1.example.com/msp,
 * ordererOrganizations/example.com/msp, and the orderer's TLS certificate under
 * ordererOrganizations/example.com/orderers/orderer.example.com/tls/server.crt. The orderer is one
 * etcdraft consenter at 127.0.0.1:7050; capabilities Channel V2_0, Orderer V2_0, Application V2_5;
 * BatchTimeout 10ms rather than test-network's 2s. `applicationCapability` replaces V2_5: V1_4_2
 * or V1_4_3 makes a channel that keeps the 1.4 lifecycle (lscc).
 */
export function builtInProfile(cryptoDir: string, applicationCapability = 'V2_5'): ConfigtxProfile {
  const ordererOrgDir = join(cryptoDir, 'ordererOrganizations/example.com');
  const ordererTlsCert = join(ordererOrgDir, 'orderers/orderer.example.com/tls/server.crt');
  const ordererOrg: ConfigtxOrganization = {
    name: 'OrdererOrg',
    id: 'OrdererMSP',
    mspDir: join(ordererOrgDir, 'msp'),
    mspType: 'bccsp',
    policies: [
      ['Readers', signature("OR('OrdererMSP.member')")],
      ['Writers', signature("OR('OrdererMSP.member')")],
      ['Admins', signature("OR('OrdererMSP.admin')")],
    ],
    anchorPeers: [],
    ordererEndpoints: [BUILT_IN_ORDERER_ADDRESS],
  };
  const org1: ConfigtxOrganization = {
    name: 'Org1MSP',
    id: 'Org1MSP',
    mspDir: join(cryptoDir, 'peerOrganizations/org1.example.com/msp'),
    mspType: 'bccsp',
    policies: [
      ['Readers', signature("OR('Org1MSP.admin', 'Org1MSP.peer', 'Org1MSP.client')")],
      ['Writers', signature("OR('Org1MSP.admin', 'Org1MSP.client')")],
      ['Admins', signature("OR('Org1MSP.admin')")],
      ['Endorsement', signature("OR('Org1MSP.peer')")],
    ],
    anchorPeers: [],
    ordererEndpoints: [],
  };
  return {
    consortium: '',
    capabilities: { V2_0: true },
    policies: standardMeta,
    consortiums: undefined,
    application: {
      organizations: [org1],
      capabilities: { [applicationCapability]: true },
      policies: [...standardMeta, ['LifecycleEndorsement', meta('MAJORITY Endorsement')], ['Endorsement', meta('MAJORITY Endorsement')]],
      acls: [],
    },
    orderer: {
      ordererType: 'etcdraft',
      addresses: [BUILT_IN_ORDERER_ADDRESS],
      // test-network waits 2s; a one-machine development network cuts at once so that an invoke commits in a blink.
      batchTimeout: '10ms',
      batchSize: { maxMessageCount: 10, absoluteMaxBytes: 99 * 1024 * 1024, preferredMaxBytes: 512 * 1024 },
      kafkaBrokers: [],
      etcdRaft: {
        consenters: [{ host: '127.0.0.1', port: 7050, clientTlsCert: ordererTlsCert, serverTlsCert: ordererTlsCert }],
        options: { tickInterval: '500ms', electionTick: 10, heartbeatTick: 1, maxInflightBlocks: 5, snapshotIntervalSize: 16 * 1024 * 1024 },
      },
      organizations: [ordererOrg],
      maxChannels: 0,
      capabilities: { V2_0: true },
      policies: [...standardMeta, ['BlockValidation', meta('ANY Writers')]],
    },
  };
}
