import type { TestChaincode } from './test-chaincode.js';

/** How startTestNetwork sets the network up. Every field is optional. */
export interface TestNetworkOptions {
  /** Channels to create and join; `['mychannel']` by default. */
  channels?: readonly string[];
  /** Chaincodes to deploy on start, through `_lifecycle`. More can be deployed later with `network.deploy`. */
  chaincodes?: readonly TestChaincode[];
  /** Client users of Org1MSP made with the crypto, besides Admin: User1..User<users>; 2 by default. Others are issued when first asked for. */
  users?: number;
  /**
   * The orderer's BatchTimeout (a Go duration): how long a block waits for more transactions.
   * '10ms' by default (test-network waits 2s): a submit commits in a blink, and each lifecycle step costs one.
   */
  batchTimeout?: string;
  /** A FABRIC_LOGGING_SPEC for the peer's and orderer's log lines; 'warning' by default. */
  logSpec?: string;
  /** Where the log lines go; stderr by default. */
  logSink?: (line: string) => void;
}

/** Which identity a Gateway connection signs as: Admin, User1..UserN, or any other user name (issued on request). */
export interface IdentityRequest {
  /** 'Org1MSP' by default (the network's one organisation). */
  org?: string;
  /** 'User1' by default. */
  user?: string;
}

export const TEST_NETWORK_DEFAULTS = {
  channels: ['mychannel'] as const,
  users: 2,
  batchTimeout: '10ms',
  logSpec: 'warning',
  org: 'Org1MSP',
  user: 'User1',
} as const;
