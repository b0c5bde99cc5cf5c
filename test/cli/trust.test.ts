import assert from 'node:assert/strict';
import { createHash, createPrivateKey, verify } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signers } from '@hyperledger/fabric-gateway';
import { EndorserClient } from '../../src/client/endorser-client.js';
import { createSignedProposal } from '../../src/client/signed-proposal.js';
import { SerializedIdentity } from '../../src/common/protos/collection.js';
import { HeaderType } from '../../src/common/protos/proposal.js';
import { fixtureSource } from '../helpers/chaincode-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

const ORG1 = join('crypto', 'peerOrganizations', 'org1.example.com');
const userMsp = (data: string, user: string): string => join(data, ORG1, 'users', `${user}@org1.example.com`, 'msp');

/** A configtx.yaml over the peer's default crypto (and, when given, a second org's): test-network's shape. */
function configtxYaml(data: string, opts: { acls?: string; profile?: string; org2?: string }): string {
  const msp = (org: string): string => join(data, 'crypto', org);
  return `Organizations:
  - &OrdererOrg
    Name: OrdererOrg
    ID: OrdererMSP
    MSPDir: ${msp('ordererOrganizations/example.com/msp')}
    Policies:
      Readers: {Type: Signature, Rule: "OR('OrdererMSP.member')"}
      Writers: {Type: Signature, Rule: "OR('OrdererMSP.member')"}
      Admins: {Type: Signature, Rule: "OR('OrdererMSP.admin')"}
    OrdererEndpoints: ["127.0.0.1:7050"]
${peerOrgYaml('Org1', msp('peerOrganizations/org1.example.com/msp'))}${opts.org2 === undefined ? '' : peerOrgYaml('Org2', opts.org2)}Capabilities:
  Channel: &ChannelCapabilities {V2_0: true}
  Orderer: &OrdererCapabilities {V2_0: true}
  Application: &ApplicationCapabilities {V2_5: true}
Application: &ApplicationDefaults
  Organizations:
${opts.acls === undefined ? '' : `  ACLs:\n    ${opts.acls}\n`}  Policies:
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
    LifecycleEndorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
    Endorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
  Capabilities: *ApplicationCapabilities
Orderer: &OrdererDefaults
  OrdererType: etcdraft
  Addresses: ["127.0.0.1:7050"]
  BatchTimeout: 2s
  BatchSize: {MaxMessageCount: 10, AbsoluteMaxBytes: 99 MB, PreferredMaxBytes: 512 KB}
  EtcdRaft:
    Consenters:
      - Host: 127.0.0.1
        Port: 7050
        ClientTLSCert: ${msp('ordererOrganizations/example.com/orderers/orderer.example.com/tls/server.crt')}
        ServerTLSCert: ${msp('ordererOrganizations/example.com/orderers/orderer.example.com/tls/server.crt')}
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
  ${opts.profile ?? 'AdminsRead'}:
    <<: *ChannelDefaults
    Orderer:
      <<: *OrdererDefaults
      Organizations: [*OrdererOrg]
      Capabilities: *OrdererCapabilities
    Application:
      <<: *ApplicationDefaults
      Organizations: [*Org1${opts.org2 === undefined ? '' : ', *Org2'}]
      Capabilities: *ApplicationCapabilities
`;
}

/** A peer organisation of configtx.yaml, anchored as `&<org>`, with test-network's policies. */
function peerOrgYaml(org: string, mspDir: string): string {
  const id = `${org}MSP`;
  return `  - &${org}
    Name: ${id}
    ID: ${id}
    MSPDir: ${mspDir}
    Policies:
      Readers: {Type: Signature, Rule: "OR('${id}.admin', '${id}.peer', '${id}.client')"}
      Writers: {Type: Signature, Rule: "OR('${id}.admin', '${id}.client')"}
      Admins: {Type: Signature, Rule: "OR('${id}.admin')"}
      Endorsement: {Type: Signature, Rule: "OR('${id}.peer')"}
`;
}

describe('trust: identities decide what a client may do', () => {
  let peer: WeftProcess;
  let client: NodeJS.ProcessEnv;
  let data: string;
  let asUser1: NodeJS.ProcessEnv;

  before(async () => {
    ({ peer, client } = await startPeerProcess(['--join', 'ch', '--application-capability', 'V1_4_2']));
    data = client.CORE_PEER_FILESYSTEMPATH ?? '';
    asUser1 = { ...client, CORE_PEER_MSPCONFIGPATH: userMsp(data, 'User1'), CORE_PEER_LOCALMSPID: 'Org1MSP' };
  });

  after(async () => {
    await peer.stop();
  });

  test('the peer prints where the Admin and User1 MSP folders are', async () => {
    const line = await peer.waitFor(/Client identities: /);
    assert.ok(line.includes(userMsp(data, 'Admin')), line);
    assert.ok(line.includes(userMsp(data, 'User1')), line);
  });

  test('User1 cannot install a chaincode or join a channel; the Admin (the CLI default) can', async () => {
    const install = ['chaincode', 'install', fixtureSource('kv-shim'), '-n', 'kvcc', '-v', '1.0', '-l', 'node'];
    const refused = await runWeft(install, asUser1);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error: .*access denied for \[install\]: /);
    const allowed = await runWeft(install, client);
    assert.equal(allowed.code, 0, allowed.stderr);
    // Instantiating is for an admin of one of the channel's organisations (the instantiation policy).
    const instantiate = ['chaincode', 'instantiate', '-C', 'ch', '-n', 'kvcc', '-v', '1.0', '-c', '{"Args":["init","a","1"]}'];
    const notAdmin = await runWeft(instantiate, asUser1);
    assert.equal(notAdmin.code, 1);
    assert.match(notAdmin.stderr, /access denied for \[deploy\]: chaincode instantiation policy violated/);

    const blockFile = join(await tempDir(), 'other.block');
    const gen = await runWeft(['channel', 'genesis', '-c', 'other', '-o', blockFile], client);
    assert.equal(gen.code, 0, gen.stderr);
    const join1 = await runWeft(['channel', 'join', '-b', blockFile], asUser1);
    assert.equal(join1.code, 1);
    assert.match(join1.stderr, /access denied for \[JoinChain\]/);
    assert.equal((await runWeft(['channel', 'list'], asUser1)).stdout, 'Channels peers has joined: \nch\n');
    const join2 = await runWeft(['channel', 'join', '-b', blockFile], client);
    assert.equal(join2.code, 0, join2.stderr);
    // Reading a channel is for its Readers: User1 is one.
    assert.match((await runWeft(['channel', 'getinfo', '-c', 'other'], asUser1)).stdout, /^Blockchain info: \{"height":1,/);
  });

  test('an ACL set in the channel config overrides the default: GetChainInfo for Admins only', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'configtx.yaml'), configtxYaml(data, { acls: 'qscc/GetChainInfo: /Channel/Application/Admins' }));
    const blockFile = join(dir, 'acl.block');
    const gen = await runWeft(['configtxgen', '-profile', 'AdminsRead', '-outputBlock', blockFile, '-channelID', 'aclch', '-configPath', dir], client);
    assert.equal(gen.code, 0, gen.stderr);
    assert.equal((await runWeft(['channel', 'join', '-b', blockFile], client)).code, 0);

    const byUser1 = await runWeft(['channel', 'getinfo', '-c', 'aclch'], asUser1);
    assert.equal(byUser1.code, 1);
    assert.match(byUser1.stderr, /access denied for \[GetChainInfo\]\[aclch\]: .*\/Channel\/Application\/Admins/);
    assert.match((await runWeft(['channel', 'getinfo', '-c', 'aclch'], client)).stdout, /^Blockchain info: \{"height":1,/);
    // The default channel has no override: its Readers, User1 among them, may read it.
    assert.match((await runWeft(['channel', 'getinfo', '-c', 'ch'], asUser1)).stdout, /^Blockchain info: /);
  });

  test("a proposal signed by fabric-gateway's own signer gets an endorsement the client verifies", async () => {
    const msp = userMsp(data, 'User1');
    const certFile = (await readdir(join(msp, 'signcerts')))[0] ?? '';
    const certPem = await readFile(join(msp, 'signcerts', certFile));
    const keyFile = (await readdir(join(msp, 'keystore')))[0] ?? '';
    const sign = signers.newPrivateKeySigner(createPrivateKey(await readFile(join(msp, 'keystore', keyFile))));
    const identity = new SerializedIdentity();
    identity.setMspid('Org1MSP');
    identity.setIdBytes(certPem);
    // The proposal is built here; its signature is fabric-gateway's, over the SHA-256 digest as the gateway client signs.
    const { signed } = createSignedProposal({
      channelId: 'ch',
      chaincodeName: 'lscc',
      args: [Buffer.from('getchaincodes')],
      headerType: HeaderType.ENDORSER_TRANSACTION,
      signer: { serialize: () => identity.serializeBinary(), sign: () => new Uint8Array() },
    });
    signed.setSignature(await sign(createHash('sha256').update(signed.getProposalBytes_asU8()).digest()));
    const endorser = await EndorserClient.connect(client.CORE_PEER_ADDRESS ?? '');
    try {
      const reply = await endorser.send(signed);
      assert.equal(reply.getResponse()?.getStatus(), 200, reply.getResponse()?.getMessage());
      const endorsement = reply.getEndorsement();
      assert.ok(endorsement !== undefined);
      const peerCert = Buffer.from(SerializedIdentity.deserializeBinary(endorsement.getEndorser_asU8()).getIdBytes_asU8());
      const message = Buffer.concat([reply.getPayload_asU8(), endorsement.getEndorser_asU8()]);
      assert.equal(verify('sha256', message, peerCert, endorsement.getSignature_asU8()), true);
    } finally {
      endorser.close();
    }
  });
});

describe('TLS on the peer listener, with client authentication', () => {
  let peer: WeftProcess;
  let client: NodeJS.ProcessEnv;
  let tlsca: string;
  let adminTls: string;

  before(async () => {
    // The default crypto's TLS files serve the peer (peer0's tls/) when peer.tls.* are left unset.
    ({ peer, client } = await startPeerProcess(['--join', 'ch', '--application-capability', 'V1_4_2'], { CORE_PEER_TLS_ENABLED: 'true', CORE_PEER_TLS_CLIENTAUTHREQUIRED: 'true' }));
    const data = client.CORE_PEER_FILESYSTEMPATH ?? '';
    tlsca = join(data, ORG1, 'tlsca', 'tlsca.org1.example.com-cert.pem');
    adminTls = join(data, ORG1, 'users', 'Admin@org1.example.com', 'tls');
  });

  after(async () => {
    await peer.stop();
  });

  test('the listener says it requires client certificates', async () => {
    assert.match(await peer.waitFor(/Peer server listening on/), /\(TLS, client certificates required\)$/);
  });

  test('a client without a certificate is refused at the handshake, and the peer logs why', async () => {
    // Fabric's flags: TLS with the org's TLS CA, but no client certificate.
    const env = { CORE_PEER_ADDRESS: client.CORE_PEER_ADDRESS, CORE_PEER_FILESYSTEMPATH: client.CORE_PEER_FILESYSTEMPATH };
    const refused = await runWeft(['channel', 'list', '--tls', '--cafile', tlsca], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error: failed to connect to the peer at /m);
    assert.doesNotMatch(refused.stderr, /Channels peers has joined/);
    await peer.waitFor(/TLS handshake failed with error .* from 127\.0\.0\.1/);
    // A plaintext client gets nowhere either.
    assert.equal((await runWeft(['channel', 'list'], { ...env, CORE_PEER_TLS_ENABLED: 'false' })).code, 1);
  });

  test("a client of another organisation is trusted at the handshake once the peer joins a channel with it, as in Fabric", async () => {
    const data = client.CORE_PEER_FILESYSTEMPATH ?? '';
    const dir = await tempDir();
    await writeFile(
      join(dir, 'crypto-config.yaml'),
      'PeerOrgs:\n  - Name: Org2\n    Domain: org2.example.com\n    EnableNodeOUs: true\n    Template:\n      Count: 1\n    Users:\n      Count: 1\n',
    );
    assert.equal((await runWeft(['crypto', 'generate', '--config', join(dir, 'crypto-config.yaml'), '--output', join(dir, 'crypto')], {})).code, 0);
    const org2 = join(dir, 'crypto', 'peerOrganizations', 'org2.example.com');
    const org2User = join(org2, 'users', 'User1@org2.example.com');
    const asOrg2User1 = {
      CORE_PEER_ADDRESS: client.CORE_PEER_ADDRESS,
      CORE_PEER_FILESYSTEMPATH: dir,
      CORE_PEER_LOCALMSPID: 'Org2MSP',
      CORE_PEER_MSPCONFIGPATH: join(org2User, 'msp'),
    };
    const tlsFlags = ['--tls', '--cafile', tlsca, '--clientauth', '--certfile', join(org2User, 'tls', 'client.crt'), '--keyfile', join(org2User, 'tls', 'client.key')];
    const list = ['chaincode', 'list', '--instantiated', '-C', 'twoorgs', ...tlsFlags];
    const before = await runWeft(list, asOrg2User1);
    assert.equal(before.code, 1);
    assert.match(before.stderr, /failed to connect to the peer/);

    await writeFile(join(dir, 'configtx.yaml'), configtxYaml(data, { profile: 'TwoOrgs', org2: join(org2, 'msp') }));
    const blockFile = join(dir, 'twoorgs.block');
    const gen = await runWeft(['configtxgen', '-profile', 'TwoOrgs', '-outputBlock', blockFile, '-channelID', 'twoorgs', '-configPath', dir], client);
    assert.equal(gen.code, 0, gen.stderr);
    const joined = await runWeft(['channel', 'join', '-b', blockFile], client);
    assert.equal(joined.code, 0, joined.stderr);

    // Org2's TLS CA is now trusted, and its User1 is one of the channel's Readers.
    const after = await runWeft(list, asOrg2User1);
    assert.equal(after.code, 0, after.stderr);
    assert.equal(after.stdout, 'Get instantiated chaincodes on channel twoorgs:\n');
  });

  test('with its TLS certificate (--clientauth --certfile --keyfile) the client is served', async () => {
    const env = { CORE_PEER_ADDRESS: client.CORE_PEER_ADDRESS, CORE_PEER_FILESYSTEMPATH: client.CORE_PEER_FILESYSTEMPATH };
    const args = ['--tls', '--cafile', tlsca, '--clientauth', '--certfile', join(adminTls, 'client.crt'), '--keyfile', join(adminTls, 'client.key')];
    const served = await runWeft(['channel', 'list', ...args], env);
    assert.equal(served.code, 0, served.stderr);
    assert.match(served.stdout, /^Channels peers has joined: \nch\n/);
    // The same through the CORE_PEER_TLS_* variables the test network scripts set, the files found in the default crypto.
    const byEnv = await runWeft(['channel', 'getinfo', '-c', 'ch'], { ...client });
    assert.equal(byEnv.code, 0, byEnv.stderr);
  });
});
