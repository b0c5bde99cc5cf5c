import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInProfile } from '../src/channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../src/channelconfig/config-block.js';
import type { ConfigtxProfile } from '../src/channelconfig/configtx.js';
import { OsnadminClient } from '../src/client/osnadmin-client.js';
import { defaultCryptoDir, defaultOrdererIdentity, defaultPeerIdentity, defaultUserIdentity, ensureDefaultCrypto } from '../src/msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../src/msp/signing-identity.js';
import { runWeftCli, WeftChild } from './weft-child.js';

export interface CommitNetworkOptions {
  channelId: string;
  chaincode: { path: string; name: string; version: string; initArgs: string[] };
  /** TLS on every connection (the orderer's, the peer's, the chaincode's), with the default crypto's TLS certificates. */
  tls?: boolean;
  /** When set, the orderer and the peer write V8 CPU profiles (.cpuprofile) under `<dir>/orderer` and `<dir>/peer` as they exit. */
  cpuProfileDir?: string | undefined;
}

/**
 * A one-orderer, one-peer network as fabric-samples' test-network runs it, each node its own
 * `weft` process: `weft orderer start` joined to the channel through its channel participation
 * API, and `weft node start` (its embedded orderer off) joined with `weft channel join`, pulling
 * the channel's blocks from the orderer over Deliver; a fabric-shim chaincode installed and
 * instantiated with the CLI, which the peer runs as its own child process. TLS is off on every
 * connection unless asked for, to measure ordering and committing rather than encryption.
 */
export class CommitNetwork {
  private constructor(
    private readonly dir: string,
    readonly orderer: WeftChild,
    readonly ordererAddress: string,
    readonly peer: WeftChild,
    readonly peerAddress: string,
    /** User1 of Org1MSP: the client that proposes, submits and reads. */
    readonly user: SigningIdentity,
    /** User1's MSP folder. */
    readonly userMsp: string,
    /** With TLS: the root the peer's certificate chains to (PEM file). */
    readonly peerTlsRoot: string | undefined,
  ) {}

  static async start(opts: CommitNetworkOptions): Promise<CommitNetwork> {
    const dir = await mkdtemp(join(tmpdir(), 'weft-bench-commit-'));
    // Orderer and peer share one data folder, so both run on its default crypto (made here first).
    const data = join(dir, 'data');
    const cryptoDir = defaultCryptoDir(data);
    await ensureDefaultCrypto(cryptoDir);
    const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
    const ordererEnv: NodeJS.ProcessEnv = {
      ...base,
      ORDERER_GENERAL_LISTENADDRESS: '127.0.0.1',
      ORDERER_GENERAL_LISTENPORT: '0',
      ORDERER_ADMIN_LISTENADDRESS: '127.0.0.1:0',
      ORDERER_FILELEDGER_LOCATION: join(data, 'orderer'),
      ORDERER_GENERAL_TLS_ENABLED: String(opts.tls === true),
      FABRIC_LOGGING_SPEC: 'warning:orderer.common.server,orderer.admin=info',
    };
    const orderer = WeftChild.start(['orderer', 'start'], ordererEnv, profiled(opts.cpuProfileDir, 'orderer'));
    let peer: WeftChild | undefined;
    try {
      const ordererAddress = await orderer.waitFor(/Beginning to serve requests on (\S+)/);
      const adminAddress = await orderer.waitFor(/Starting admin server on (\S+)/);
      // The orderer's port is known only now, and the channel config must name it: the peer dials the orderer it lists.
      const genesis = await genesisBlockOfProfile(benchProfile(cryptoDir, ordererAddress), opts.channelId);
      const joined = await new OsnadminClient(adminAddress).join(genesis.serializeBinary());
      if (joined.status !== 201) throw new Error(`the orderer did not join ${opts.channelId}: ${String(joined.status)} ${joined.body.toString()}`);
      const blockFile = join(dir, `${opts.channelId}.block`);
      await writeFile(blockFile, genesis.serializeBinary());

      const peerEnv: NodeJS.ProcessEnv = {
        ...base,
        CORE_PEER_FILESYSTEMPATH: data,
        CORE_PEER_LISTENADDRESS: '127.0.0.1:0',
        CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0',
        CORE_PEER_TLS_ENABLED: String(opts.tls === true),
        // Off means off on the chaincode's connection too (launched chaincodes have TLS by default).
        CORE_CHAINCODE_LAUNCHTLS: String(opts.tls === true),
        CORE_PEER_ORDERER_ENABLED: 'false',
        FABRIC_LOGGING_SPEC: 'warning:nodeCmd,comm.grpc.server=info',
      };
      peer = WeftChild.start(['node', 'start'], peerEnv, profiled(opts.cpuProfileDir, 'peer'));
      const peerAddress = await peer.waitFor(/Peer server listening on (\S+)/);
      await peer.waitFor(/Started peer/);
      // The CLI signs as the Admin of the peer's default crypto.
      const peerTlsRoot = opts.tls === true ? join(defaultPeerIdentity(cryptoDir).tlsDir, 'ca.crt') : undefined;
      const cli: NodeJS.ProcessEnv = { ...base, CORE_PEER_FILESYSTEMPATH: data, CORE_PEER_ADDRESS: peerAddress, CORE_PEER_TLS_ENABLED: String(opts.tls === true), CORE_PEER_TLS_ROOTCERT_FILE: peerTlsRoot };
      const ordererTls = opts.tls === true ? ['--tls', '--cafile', join(defaultOrdererIdentity(cryptoDir).tlsDir, 'ca.crt')] : [];
      await runWeftCli(['channel', 'join', '-b', blockFile], cli);
      const { path, name, version, initArgs } = opts.chaincode;
      await runWeftCli(['chaincode', 'install', path, '-n', name, '-v', version, '-l', 'node'], cli);
      const init = JSON.stringify({ Args: initArgs });
      await runWeftCli(['chaincode', 'instantiate', '-o', ordererAddress, ...ordererTls, '-C', opts.channelId, '-n', name, '-v', version, '-c', init], cli);

      const userMsp = defaultUserIdentity(cryptoDir, 'User1').mspDir;
      const user = await loadSigningIdentity(userMsp, 'Org1MSP');
      return new CommitNetwork(dir, orderer, ordererAddress, peer, peerAddress, user, userMsp, peerTlsRoot);
    } catch (err) {
      await peer?.stop();
      await orderer.stop();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.peer.stop();
    await this.orderer.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The built-in profile (test-network's channel, Org1 only) with test-network's batching and the orderer at `address`. */
function benchProfile(cryptoDir: string, address: string): ConfigtxProfile {
  // lscc defines the chaincode: a channel with the 1.4 lifecycle.
  const profile = builtInProfile(cryptoDir, 'V1_4_2');
  const orderer = profile.orderer;
  if (orderer === undefined) throw new Error('the built-in profile has no orderer section');
  const [host = '127.0.0.1', port = '7050'] = address.split(':');
  profile.orderer = {
    ...orderer,
    addresses: [address],
    batchTimeout: '2s',
    batchSize: { ...orderer.batchSize, maxMessageCount: 10 },
    etcdRaft: orderer.etcdRaft && { ...orderer.etcdRaft, consenters: orderer.etcdRaft.consenters.map((c) => ({ ...c, host, port: Number(port) })) },
    organizations: orderer.organizations.map((org) => ({ ...org, ordererEndpoints: [address] })),
  };
  return profile;
}

function profiled(dir: string | undefined, role: string): string[] {
  return dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(dir, role)}`];
}
