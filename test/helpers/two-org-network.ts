import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after } from 'node:test';
import { freePorts } from './free-ports.js';
import { tempDir } from './temp-dir.js';
import { runWeft, WeftProcess } from './weft-process.js';

/**
 * A two-organisation network as fabric-samples' test-network starts it, every node its own `weft`
 * process and every step the CLI's: `weft crypto generate` (Org1, Org2, the orderer org), a
 * configtx.yaml and `weft configtxgen` for the channel's genesis block, one `weft orderer start`
 * joined with `weft osnadmin channel join`, and one `weft node start` per organisation (its
 * embedded orderer off, TLS on, its own MSP and data folder), each joined by its org's Admin with
 * `weft channel join`. Each peer pulls the channel's blocks from the orderer over Deliver.
 */

export type OrgName = 'org1' | 'org2';

/** The processes started so far, by role: the peers are stopped before the orderer they pull from. */
interface Started {
  orderer: WeftProcess[];
  peers: WeftProcess[];
  chaincodes: ChildProcess[];
}

// Chaincodes started by hand are killed when the test file ends, whatever its tests did: a live
// child would keep the test runner waiting (WeftProcess does the same for the nodes).
const handStarted = new Set<ChildProcess>();
after(() => {
  for (const child of handStarted) child.kill('SIGKILL');
});

/** A chaincode started by hand for a peer in dev mode. */
export interface DevChaincode {
  process: ChildProcess;
  /** What it printed so far (stdout and stderr), to show why it did not register. */
  output(): string;
}

/** A peer of the network and the identities of its organisation. */
export interface NetworkPeer {
  /** Org1MSP or Org2MSP. */
  mspId: string;
  /** peer0.org1.example.com or peer0.org2.example.com (peer.id). */
  id: string;
  /** 127.0.0.1:<port>, the anchor peer's host and port in the genesis block. */
  address: string;
  /** The TLS CA of the organisation (tlsca), which the peer's TLS certificate chains to. */
  tlsRootCert: string;
  /** MSP folders (signcerts, keystore, ...) of the organisation's Admin and User1. */
  adminMsp: string;
  userMsp: string;
  /** The peer's data folder (peer.fileSystemPath). */
  dataDir: string;
  /** Where chaincodes connect (peer.chaincodeListenAddress, as bound), over TLS. */
  chaincodeAddress: string;
  process: WeftProcess;
  /**
   * The environment of a `weft` CLI acting against this peer as the organisation's Admin or User1,
   * as test-network's setGlobals makes it (CORE_PEER_ADDRESS, LOCALMSPID, MSPCONFIGPATH, TLS).
   */
  cliEnv(identity?: 'Admin' | 'User1'): NodeJS.ProcessEnv;
  /**
   * With `chaincodeDev`: starts the chaincode in `dir` (`node .`, its dependencies installed) as
   * `chaincodeId` (name:version) against this peer, with TLS credentials from the peer's chaincode
   * CA (`weft chaincode dev-credentials`). The peer waits for it at instantiate or first call.
   */
  startDevChaincode(dir: string, chaincodeId: string): Promise<DevChaincode>;
}

export interface TwoOrgNetwork {
  channel: string;
  /** The `weft crypto generate` output: peerOrganizations/..., ordererOrganizations/... */
  cryptoDir: string;
  /** The folder holding configtx.yaml (configtxgen's -configPath). */
  configDir: string;
  /** The channel's genesis block, as configtxgen wrote it. */
  genesisBlock: string;
  orderer: {
    /** 127.0.0.1:<port>: Broadcast and Deliver, over TLS. */
    address: string;
    /** The orderer org's TLS CA, for the CLI's --cafile. */
    tlsCaCert: string;
    /** The channel participation API (plain HTTP). */
    adminAddress: string;
    process: WeftProcess;
    /** `-o <address> --cafile <tlsCaCert>`: the CLI's flags to send transactions to this orderer. */
    cliFlags: string[];
  };
  peers: Record<OrgName, NetworkPeer>;
  /** Kills the hand-started chaincodes, stops both peers, then the orderer (SIGTERM); the folders go when the test file ends. */
  stop(): Promise<void>;
}

export interface TwoOrgNetworkOptions {
  /** The channel's name; `twoorgs` by default. */
  channel?: string;
  /**
   * The channel's BatchTimeout; test-network's is 2s, here 100ms by default so that a single
   * transaction is committed at once.
   */
  batchTimeout?: string;
  /** The channel's Application capability (V2_5 by default; V1_4_2 keeps the 1.4 lifecycle, lscc). */
  applicationCapability?: string;
  /**
   * Both peers in dev mode (`--peer-chaincodedev`): chaincodes are started with
   * startDevChaincode, from a folder whose dependencies are installed once (installedFixture),
   * rather than built by each peer with `npm ci` (seconds per peer).
   */
  chaincodeDev?: boolean;
  /** More environment of both peers (CORE_CHAINCODE_STARTUPTIMEOUT, FABRIC_LOGGING_SPEC, ...). */
  peerEnv?: NodeJS.ProcessEnv;
}

/** Starts the network and resolves once both peers are on the channel; a failed step stops what was started. */
export async function startTwoOrgNetwork(opts: TwoOrgNetworkOptions = {}): Promise<TwoOrgNetwork> {
  const channel = opts.channel ?? 'twoorgs';
  const root = await tempDir('weft-2org-net-');
  const cryptoDir = join(root, 'crypto');
  await generateCrypto(root, cryptoDir);
  // Anchor peers and the orderer's endpoint are in the genesis block, so every port is chosen before it is made.
  const [ordererPort = 0, org1Port = 0, org2Port = 0] = await freePorts(3);
  const ports = { orderer: ordererPort, org1: org1Port, org2: org2Port };
  const configDir = join(root, 'config');
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, 'configtx.yaml'), configtxYaml(cryptoDir, ports, opts.batchTimeout ?? '100ms', opts.applicationCapability ?? 'V2_5'));
  const genesisBlock = join(root, `${channel}.block`);
  await weft(['configtxgen', '-profile', 'TwoOrgsChannel', '-outputBlock', genesisBlock, '-channelID', channel, '-configPath', configDir], {});

  const started: Started = { orderer: [], peers: [], chaincodes: [] };
  try {
    // The three nodes start side by side (a peer on no channel yet needs no orderer), each mostly
    // waiting on its own process; allSettled, so that nothing is still starting when a failure stops the rest.
    const [orderer, org1, org2] = await allOrFirstError([
      startOrderer(root, cryptoDir, ports.orderer, started).then(async (node) => {
        await weft(['osnadmin', 'channel', 'join', '--channelID', channel, '--config-block', genesisBlock, '-o', node.adminAddress], {});
        return node;
      }),
      startPeer(root, cryptoDir, 'org1', ports.org1, opts, started),
      startPeer(root, cryptoDir, 'org2', ports.org2, opts, started),
    ] as const);
    // Each organisation's Admin joins its own peer, as test-network's joinChannel does.
    await allOrFirstError([org1, org2].map((peer) => weft(['channel', 'join', '-b', genesisBlock], peer.cliEnv('Admin'))));
    return {
      channel,
      cryptoDir,
      configDir,
      genesisBlock,
      orderer,
      peers: { org1, org2 },
      stop: () => stopAll(started),
    };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

/** Promise.all's values, once every promise has settled; else the first failure. */
async function allOrFirstError<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** Runs a short `weft` command; fails with its output unless it exits 0. */
async function weft(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const res = await runWeft(args, env);
  if (res.code !== 0) throw new Error(`weft ${args.join(' ')} exited ${String(res.code)}:\n${res.stderr}\n${res.stdout}`);
  return res.stdout;
}

/** The peers, then the orderer: a peer whose orderer went first would log its reconnection attempts. */
async function stopAll(started: Started): Promise<void> {
  for (const child of started.chaincodes.splice(0)) child.kill('SIGKILL');
  await Promise.all(started.peers.splice(0).map((p) => p.stop()));
  await Promise.all(started.orderer.splice(0).map((p) => p.stop()));
}

/** The crypto of test-network's three cryptogen configs in one: 127.0.0.1 is a SAN of every node, as it is dialled by address. */
async function generateCrypto(root: string, cryptoDir: string): Promise<void> {
  const peerOrg = (n: number): string => `  - Name: Org${String(n)}
    Domain: org${String(n)}.example.com
    EnableNodeOUs: true
    Template:
      Count: 1
      SANS:
        - localhost
        - 127.0.0.1
    Users:
      Count: 1
`;
  const config = `OrdererOrgs:
  - Name: Orderer
    Domain: example.com
    EnableNodeOUs: true
    Specs:
      - Hostname: orderer
        SANS:
          - localhost
          - 127.0.0.1
PeerOrgs:
${peerOrg(1)}${peerOrg(2)}`;
  const file = join(root, 'crypto-config.yaml');
  await writeFile(file, config);
  await weft(['crypto', 'generate', '--config', file, '--output', cryptoDir], {});
}

/** fabric-samples test-network's configtx.yaml (Org1MSP, Org2MSP, one etcdraft consenter), on this run's ports. */
function configtxYaml(cryptoDir: string, ports: { orderer: number; org1: number; org2: number }, batchTimeout: string, applicationCapability: string): string {
  const orderer = `127.0.0.1:${String(ports.orderer)}`;
  const ordererTls = join(cryptoDir, 'ordererOrganizations/example.com/orderers/orderer.example.com/tls/server.crt');
  const org = (n: 1 | 2, port: number): string => `  - &Org${String(n)}
    Name: Org${String(n)}MSP
    ID: Org${String(n)}MSP
    MSPDir: ${join(cryptoDir, `peerOrganizations/org${String(n)}.example.com/msp`)}
    Policies:
      Readers: {Type: Signature, Rule: "OR('Org${String(n)}MSP.admin', 'Org${String(n)}MSP.peer', 'Org${String(n)}MSP.client')"}
      Writers: {Type: Signature, Rule: "OR('Org${String(n)}MSP.admin', 'Org${String(n)}MSP.client')"}
      Admins: {Type: Signature, Rule: "OR('Org${String(n)}MSP.admin')"}
      Endorsement: {Type: Signature, Rule: "OR('Org${String(n)}MSP.peer')"}
    AnchorPeers:
      - Host: 127.0.0.1
        Port: ${String(port)}
`;
  return `Organizations:
  - &OrdererOrg
    Name: OrdererOrg
    ID: OrdererMSP
    MSPDir: ${join(cryptoDir, 'ordererOrganizations/example.com/msp')}
    Policies:
      Readers: {Type: Signature, Rule: "OR('OrdererMSP.member')"}
      Writers: {Type: Signature, Rule: "OR('OrdererMSP.member')"}
      Admins: {Type: Signature, Rule: "OR('OrdererMSP.admin')"}
    OrdererEndpoints: ["${orderer}"]
${org(1, ports.org1)}${org(2, ports.org2)}Capabilities:
  Channel: &ChannelCapabilities {V2_0: true}
  Orderer: &OrdererCapabilities {V2_0: true}
  Application: &ApplicationCapabilities {${applicationCapability}: true}
Application: &ApplicationDefaults
  Organizations:
  Policies:
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
    LifecycleEndorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
    Endorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
  Capabilities: *ApplicationCapabilities
Orderer: &OrdererDefaults
  OrdererType: etcdraft
  BatchTimeout: ${batchTimeout}
  BatchSize:
    MaxMessageCount: 10
    AbsoluteMaxBytes: 99 MB
    PreferredMaxBytes: 512 KB
  EtcdRaft:
    Consenters:
      - Host: 127.0.0.1
        Port: ${String(ports.orderer)}
        ClientTLSCert: ${ordererTls}
        ServerTLSCert: ${ordererTls}
  Organizations:
  Policies:
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
    BlockValidation: {Type: ImplicitMeta, Rule: "ANY Writers"}
Channel: &ChannelDefaults
  Policies:
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
  Capabilities: *ChannelCapabilities
Profiles:
  TwoOrgsChannel:
    <<: *ChannelDefaults
    Orderer:
      <<: *OrdererDefaults
      Organizations: [*OrdererOrg]
      Capabilities: *OrdererCapabilities
    Application:
      <<: *ApplicationDefaults
      Organizations: [*Org1, *Org2]
      Capabilities: *ApplicationCapabilities
`;
}

/** `weft orderer start` as orderer.example.com, TLS on, on `port`; its admin API on a port of its choosing. */
async function startOrderer(root: string, cryptoDir: string, port: number, started: Started): Promise<TwoOrgNetwork['orderer']> {
  const node = join(cryptoDir, 'ordererOrganizations/example.com/orderers/orderer.example.com');
  const proc = new WeftProcess(['orderer', 'start'], {
    ORDERER_GENERAL_LISTENADDRESS: '127.0.0.1',
    ORDERER_GENERAL_LISTENPORT: String(port),
    ORDERER_GENERAL_LOCALMSPID: 'OrdererMSP',
    ORDERER_GENERAL_LOCALMSPDIR: join(node, 'msp'),
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_PRIVATEKEY: join(node, 'tls/server.key'),
    ORDERER_GENERAL_TLS_CERTIFICATE: join(node, 'tls/server.crt'),
    ORDERER_GENERAL_TLS_ROOTCAS: join(node, 'tls/ca.crt'),
    ORDERER_ADMIN_LISTENADDRESS: '127.0.0.1:0',
    ORDERER_FILELEDGER_LOCATION: join(root, 'orderer'),
  });
  started.orderer.push(proc);
  const address = addressIn(await proc.waitFor(/Beginning to serve requests on /));
  const adminAddress = addressIn(await proc.waitFor(/Starting admin server on /));
  const tlsCaCert = join(cryptoDir, 'ordererOrganizations/example.com/tlsca/tlsca.example.com-cert.pem');
  return { address, tlsCaCert, adminAddress, process: proc, cliFlags: ['-o', address, '--cafile', tlsCaCert] };
}

/** `weft node start` as peer0 of `org`, on `port`, following the separate orderer. */
async function startPeer(
  root: string,
  cryptoDir: string,
  org: OrgName,
  port: number,
  opts: TwoOrgNetworkOptions,
  started: Started,
): Promise<NetworkPeer> {
  const domain = `${org}.example.com`;
  const orgDir = join(cryptoDir, 'peerOrganizations', domain);
  const id = `peer0.${domain}`;
  const tls = join(orgDir, 'peers', id, 'tls');
  const mspId = `Org${org.slice(3)}MSP`;
  const address = `127.0.0.1:${String(port)}`;
  const dataDir = join(root, id);
  const nodeEnv: NodeJS.ProcessEnv = {
    CORE_PEER_ID: id,
    CORE_PEER_LOCALMSPID: mspId,
    CORE_PEER_MSPCONFIGPATH: join(orgDir, 'peers', id, 'msp'),
    CORE_PEER_FILESYSTEMPATH: dataDir,
    CORE_PEER_LISTENADDRESS: address,
    CORE_PEER_ADDRESS: address,
    CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0',
    CORE_PEER_ORDERER_ENABLED: 'false',
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: join(tls, 'server.crt'),
    CORE_PEER_TLS_KEY_FILE: join(tls, 'server.key'),
    CORE_PEER_TLS_ROOTCERT_FILE: join(tls, 'ca.crt'),
    ...opts.peerEnv,
  };
  const proc = new WeftProcess(['node', 'start', ...(opts.chaincodeDev === true ? ['--peer-chaincodedev'] : [])], nodeEnv);
  started.peers.push(proc);
  const chaincodeAddress = addressIn(await proc.waitFor(/Chaincode server listening on /));
  await proc.waitFor(/Started peer/);
  const tlsRootCert = join(orgDir, 'tlsca', `tlsca.${domain}-cert.pem`);
  const users = { Admin: join(orgDir, 'users', `Admin@${domain}`, 'msp'), User1: join(orgDir, 'users', `User1@${domain}`, 'msp') };
  return {
    mspId,
    id,
    address,
    tlsRootCert,
    adminMsp: users.Admin,
    userMsp: users.User1,
    dataDir,
    chaincodeAddress,
    process: proc,
    startDevChaincode: async (dir, chaincodeId) => {
      // The credentials are issued with the peer's own configuration: its data folder holds the chaincode CA.
      const credentials = join(root, 'dev-credentials', id, chaincodeId.replace(':', '-'));
      await weft(['chaincode', 'dev-credentials', chaincodeId, '-o', credentials], nodeEnv);
      return startChaincode(dir, chaincodeAddress, {
        CORE_CHAINCODE_ID_NAME: chaincodeId,
        CORE_PEER_TLS_ENABLED: 'true',
        CORE_TLS_CLIENT_KEY_PATH: join(credentials, 'client.key'),
        CORE_TLS_CLIENT_CERT_PATH: join(credentials, 'client.crt'),
        CORE_PEER_TLS_ROOTCERT_FILE: join(credentials, 'peer.crt'),
      }, started);
    },
    cliEnv: (identity = 'Admin') => ({
      CORE_PEER_ADDRESS: address,
      CORE_PEER_LOCALMSPID: mspId,
      CORE_PEER_MSPCONFIGPATH: users[identity],
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_TLS_ROOTCERT_FILE: tlsRootCert,
    }),
  };
}

/** `node . --peer.address <address>` in `dir`, as a developer starts a fabric-shim chaincode in dev mode. */
function startChaincode(dir: string, address: string, env: NodeJS.ProcessEnv, started: Started): DevChaincode {
  const child = spawn(process.execPath, ['.', '--peer.address', address], { cwd: dir, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  handStarted.add(child);
  started.chaincodes.push(child);
  child.on('exit', () => handStarted.delete(child));
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { process: child, output: () => output };
}

/** The address a listener's log line names (`... serve requests on 127.0.0.1:7050 (TLS)`). */
function addressIn(line: string): string {
  const address = / on (\S+)/.exec(line)?.[1];
  if (address === undefined) throw new Error(`no address in: ${line}`);
  return address;
}
