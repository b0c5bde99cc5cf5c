import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, type Gateway } from '@hyperledger/fabric-gateway';
import { genesisBlockOfProfile } from '../channelconfig/config-block.js';
import { dialAddress } from '../comm/dial-address.js';
import { loadCoreConfig } from '../common/config/load-core-config.js';
import { BlockMetadataIndex } from '../common/protos/common.js';
import { Logging } from '../common/logging/logging.js';
import type { PeerLedger } from '../ledger/index.js';
import { defaultCryptoDir } from '../msp/default-identities.js';
import { loadSigningIdentity, signingIdentity } from '../msp/signing-identity.js';
import { Peer } from '../peer/peer.js';
import { WEFT_VERSION } from '../version.js';
import { deployChaincodes, type DeployedChaincode } from './chaincode-deployer.js';
import { PeerAdmin } from './peer-admin.js';
import type { TestChaincode } from './test-chaincode.js';
import { TestCrypto, type TestIdentity } from './test-crypto.js';
import { TestNetworkError } from './test-network-error.js';
import { TEST_NETWORK_DEFAULTS, type IdentityRequest, type TestNetworkOptions } from './test-network-options.js';
import { testProfile } from './test-profile.js';

// Generous, but finite: a test that waits on a stuck call fails instead of hanging its runner.
const CALL_DEADLINE_MS = 30_000;
const COMMIT_DEADLINE_MS = 60_000;

/** What start-up has made, taken down in reverse by close() or by a failed start. */
interface Parts {
  dir: string;
  peer?: Peer;
  admin?: PeerAdmin;
  client?: grpc.Client;
  gateways: Map<string, Promise<Gateway>>;
  chaincodes: DeployedChaincode[];
}

/**
 * A peer of Org1MSP with its embedded orderer, running in this process on ports the system chose,
 * its data in a temporary folder; joined to the network's channels, with chaincodes deployed
 * through `_lifecycle`. Applications reach it through `@hyperledger/fabric-gateway` as they would
 * reach any Fabric peer.
 */
export class TestNetwork {
  private closed = false;
  // Each channel's last committed definition sequence per chaincode: a second deploy is an upgrade.
  private readonly sequences = new Map<string, number>();

  private constructor(
    private readonly parts: Parts & { peer: Peer; admin: PeerAdmin; client: grpc.Client },
    private readonly crypto: TestCrypto,
    /** The channels the peer is on. */
    readonly channels: readonly string[],
    /** host:port of the peer's Gateway, Endorser and Deliver services (plaintext gRPC). */
    readonly peerAddress: string,
  ) {}

  /** The temporary folder holding the peer's ledgers, the orderer's chains and the crypto; removed by close(). */
  get dir(): string {
    return this.parts.dir;
  }

  /** Starts a network as `startTestNetwork` describes it. */
  static async start(opts: TestNetworkOptions = {}): Promise<TestNetwork> {
    const channels = [...(opts.channels ?? TEST_NETWORK_DEFAULTS.channels)];
    const parts: Parts = { dir: await mkdtemp(join(tmpdir(), 'weft-testnet-')), gateways: new Map(), chaincodes: [] };
    try {
      const cryptoDir = defaultCryptoDir(parts.dir);
      const crypto = await TestCrypto.generate(cryptoDir, opts.users ?? TEST_NETWORK_DEFAULTS.users);
      const logging = new Logging({ spec: opts.logSpec ?? TEST_NETWORK_DEFAULTS.logSpec, ...(opts.logSink === undefined ? {} : { sink: opts.logSink }) });
      parts.peer = await Peer.start({ config: await testConfig(parts.dir), logging, version: WEFT_VERSION });
      const peerAddress = dialAddress(parts.peer.listeners.peer.address);
      const adminIdentity = await crypto.identity(TEST_NETWORK_DEFAULTS.org, 'Admin');
      parts.admin = await PeerAdmin.connect(peerAddress, await loadSigningIdentity(adminIdentity.mspDir, adminIdentity.mspId));
      parts.client = new grpc.Client(peerAddress, grpc.credentials.createInsecure());
      const profile = testProfile(cryptoDir, opts.batchTimeout ?? TEST_NETWORK_DEFAULTS.batchTimeout);
      const { admin } = parts;
      await Promise.all(channels.map(async (channelId) => admin.joinChannel(await genesisBlockOfProfile(profile, channelId))));
      const network = new TestNetwork({ ...parts, peer: parts.peer, admin, client: parts.client }, crypto, channels, peerAddress);
      if (opts.chaincodes !== undefined && opts.chaincodes.length > 0) await network.deploy(...opts.chaincodes);
      return network;
    } catch (err) {
      await takeDown(parts);
      throw err;
    }
  }

  /**
   * A Gateway connected to the peer as `identity` (User1 of Org1MSP by default; Admin and
   * User1..UserN are made at start, any other user of Org1MSP is issued by its CA on the first
   * request), made once per identity and closed by close().
   */
  async gateway(identity: IdentityRequest = {}): Promise<Gateway> {
    this.checkOpen();
    const org = identity.org ?? TEST_NETWORK_DEFAULTS.org;
    const user = identity.user ?? TEST_NETWORK_DEFAULTS.user;
    const key = `${org}/${user}`;
    let gateway = this.parts.gateways.get(key);
    if (gateway === undefined) {
      gateway = this.crypto.identity(org, user).then((found) => connectGateway(this.parts.client, found));
      this.parts.gateways.set(key, gateway);
      // A refused identity is not kept: the next call is refused again, with the same reason.
      gateway.catch(() => this.parts.gateways.delete(key));
    }
    return gateway;
  }

  /** The MSP folder, certificate and key of an identity, for a client made by hand. */
  async identity(identity: IdentityRequest = {}): Promise<TestIdentity> {
    return this.crypto.identity(identity.org ?? TEST_NETWORK_DEFAULTS.org, identity.user ?? TEST_NETWORK_DEFAULTS.user);
  }

  /** Deploys more chaincodes (or new versions of deployed ones: the definition's sequence goes up). */
  async deploy(...chaincodes: TestChaincode[]): Promise<void> {
    this.checkOpen();
    const { admin } = this.parts;
    const lifecycleGateway = await this.gateway({ user: 'Admin' });
    const deployed = await deployChaincodes(
      { admin, channels: this.channels, lifecycle: (channelId) => lifecycleGateway.getNetwork(channelId).getContract('_lifecycle') },
      chaincodes,
      this.sequences,
    );
    this.parts.chaincodes.push(...deployed);
  }

  /**
   * A key's committed value in a chaincode's world state, read from the peer's ledger (not through
   * the chaincode); undefined when the key has none. `getState(chaincode, key)` reads the first channel.
   */
  async getState(...args: [chaincode: string, key: string] | [channel: string, chaincode: string, key: string]): Promise<Uint8Array | undefined> {
    const [channel, chaincode, key] = args.length === 2 ? [undefined, ...args] : args;
    return this.query(channel, (executor) => executor.getState(chaincode, key));
  }

  /** A key's committed value in a private data collection this peer holds; undefined when it has none. */
  async getPrivateData(chaincode: string, collection: string, key: string, channel?: string): Promise<Uint8Array | undefined> {
    return this.query(channel, (executor) => executor.getPrivateData(chaincode, collection, key));
  }

  /**
   * The validation code of each transaction of a committed block, in block order, as Fabric's
   * TxValidationCode numbers them (fabric-gateway's `StatusCode`: 0 VALID, 11 MVCC_READ_CONFLICT, ...).
   */
  async validationCodes(blockNumber: number | bigint, channel?: string): Promise<number[]> {
    const ledger = this.ledger(channel);
    const number = Number(blockNumber);
    const height = (await ledger.getBlockchainInfo()).getHeight();
    if (!Number.isSafeInteger(number) || number < 0 || number >= height) {
      throw new TestNetworkError('NO_SUCH_BLOCK', `channel ${ledger.channelId} has blocks 0..${height - 1}, not ${String(blockNumber)}`);
    }
    const block = await ledger.getBlockByNumber(number);
    const filter = block.getMetadata()?.getMetadataList_asU8()[BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
    return Array.from(filter);
  }

  /** Stops the chaincodes, the peer and its orderer, closes every Gateway, and removes the temporary folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await takeDown(this.parts);
  }

  private async query<T>(channel: string | undefined, read: (executor: Awaited<ReturnType<PeerLedger['newQueryExecutor']>>) => Promise<T>): Promise<T> {
    const executor = await this.ledger(channel).newQueryExecutor();
    try {
      return await read(executor);
    } finally {
      executor.done();
    }
  }

  private ledger(channel: string | undefined): PeerLedger {
    this.checkOpen();
    const channelId = channel ?? this.channels[0] ?? '';
    const ledger = this.parts.peer.getLedger(channelId);
    if (ledger === undefined) throw new TestNetworkError('UNKNOWN_CHANNEL', `the network has no channel ${channelId} (it has ${this.channels.join(', ')})`);
    return ledger;
  }

  private checkOpen(): void {
    if (this.closed) throw new TestNetworkError('CLOSED', 'the test network is closed');
  }
}

/**
 * The peer's config: the embedded defaults (never the environment's CORE_* variables or
 * FABRIC_CFG_PATH, which are for a real peer), with the data in `dir` and every listener on a port
 * the system chooses, so that tests run side by side and beside a peer already running here.
 */
async function testConfig(dir: string): ReturnType<typeof loadCoreConfig> {
  const env: NodeJS.ProcessEnv = {
    CORE_PEER_FILESYSTEMPATH: dir,
    CORE_PEER_LISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0',
  };
  return loadCoreConfig({ env, cwd: dir });
}

async function connectGateway(client: grpc.Client, identity: TestIdentity): Promise<Gateway> {
  return connect({
    client,
    identity: { mspId: identity.mspId, credentials: identity.credentials },
    // Signed by node's crypto (hashing included), low-S as Fabric requires: several times cheaper
    // than fabric-gateway's own signer, whose JavaScript ECDSA shares the test's one thread with the peer.
    signer: nativeSigner(createPrivateKey(identity.privateKeyPem)),
    hash: hash.none,
    evaluateOptions: () => ({ deadline: Date.now() + CALL_DEADLINE_MS }),
    endorseOptions: () => ({ deadline: Date.now() + CALL_DEADLINE_MS }),
    submitOptions: () => ({ deadline: Date.now() + CALL_DEADLINE_MS }),
    commitStatusOptions: () => ({ deadline: Date.now() + COMMIT_DEADLINE_MS }),
  });
}

function nativeSigner(key: KeyObject): (message: Uint8Array) => Promise<Uint8Array> {
  const identity = signingIdentity('', '', key);
  return (message) => Promise.resolve(identity.sign(message));
}

async function takeDown(parts: Parts): Promise<void> {
  for (const gateway of parts.gateways.values()) (await gateway.catch(() => undefined))?.close();
  parts.gateways.clear();
  parts.client?.close();
  parts.admin?.close();
  // The peer first: it ends its conversations with the chaincode servers before they go.
  await parts.peer?.stop();
  for (const chaincode of parts.chaincodes.splice(0)) chaincode.close();
  await rm(parts.dir, { recursive: true, force: true });
}
