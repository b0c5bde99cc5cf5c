import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify, X509Certificate } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BroadcastClient } from '../../src/client/broadcast-client.js';
import { CommitWaiter } from '../../src/client/commit-waiter.js';
import { DeliverClient } from '../../src/client/deliver-client.js';
import { EndorserClient } from '../../src/client/endorser-client.js';
import { createSignedProposal, type ProposalSigner } from '../../src/client/signed-proposal.js';
import { createTransactionEnvelope } from '../../src/client/transaction-envelope.js';
import { loadCoreConfig } from '../../src/common/config/load-core-config.js';
import { SerializedIdentity } from '../../src/common/protos/collection.js';
import { ChannelHeader, Header, HeaderType, Proposal, type ProposalResponse, type SignedProposal } from '../../src/common/protos/proposal.js';
import { defaultCryptoDir, defaultPeerIdentity, defaultUserIdentity, ensureDefaultCrypto } from '../../src/msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { Peer } from '../../src/peer/peer.js';
import { WEFT_VERSION } from '../../src/version.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { OpensslCa, writeMspFolder } from '../helpers/openssl-ca.js';
import { tempDir } from '../helpers/temp-dir.js';

const CHANNEL = 'ch';
const ORG1_SUBJECT = '/C=US/ST=North Carolina/L=Durham/O=org1.example.com';

describe('Endorser: every proposal is checked before anything runs, and every endorsement is signed', () => {
  let root: string;
  let peer: Peer;
  let client: EndorserClient;
  let lines: string[];
  let admin: SigningIdentity;
  let user1: SigningIdentity;
  const identities: Record<'revoked' | 'expired' | 'foreign' | 'org2', SigningIdentity> = {} as never;

  before(async () => {
    root = await tempDir();
    const data = join(root, 'data');
    const cryptoDir = defaultCryptoDir(data);
    await ensureDefaultCrypto(cryptoDir);
    // Identities made by openssl, not by Weft: one of Org1's CA revoked (its CRL in the org's MSP,
    // so in the channel's config), one of Org1's CA expired, one of a foreign CA claiming Org1MSP,
    // and one of an organisation the channel does not have.
    const org1 = join(cryptoDir, 'peerOrganizations', 'org1.example.com');
    const caDir = join(org1, 'ca');
    const caCert = (await readdir(caDir)).find((f) => f.endsWith('-cert.pem')) ?? '';
    const org1Ca = await OpensslCa.open(join(root, 'org1-ca'), join(caDir, caCert), join(caDir, 'priv_sk'));
    const revoked = await org1Ca.issue('revoked', `${ORG1_SUBJECT}/OU=client/CN=revoked@org1.example.com`);
    await org1Ca.revoke(revoked);
    await mkdir(join(org1, 'msp', 'crls'), { recursive: true });
    await writeFile(join(org1, 'msp', 'crls', 'crl.pem'), await org1Ca.crl());
    const expired = await org1Ca.issue('expired', `${ORG1_SUBJECT}/OU=client/CN=expired@org1.example.com`, { start: '20200101000000Z', end: '20210101000000Z' });
    const foreignCa = await OpensslCa.create(join(root, 'foreign-ca'), '/O=org1.example.com/CN=ca.org1.example.com');
    const foreign = await foreignCa.issue('mallory', `${ORG1_SUBJECT}/OU=client/CN=mallory@org1.example.com`);
    const org2Ca = await OpensslCa.create(join(root, 'org2-ca'), '/O=org2.example.com/CN=ca.org2.example.com');
    const org2 = await org2Ca.issue('user', '/O=org2.example.com/OU=client/CN=User1@org2.example.com');
    identities.revoked = await loadSigningIdentity(await writeMspFolder(join(root, 'msp-revoked'), revoked), 'Org1MSP');
    identities.expired = await loadSigningIdentity(await writeMspFolder(join(root, 'msp-expired'), expired), 'Org1MSP');
    identities.foreign = await loadSigningIdentity(await writeMspFolder(join(root, 'msp-foreign'), foreign), 'Org1MSP');
    identities.org2 = await loadSigningIdentity(await writeMspFolder(join(root, 'msp-org2'), org2), 'Org2MSP');
    admin = await loadSigningIdentity(defaultUserIdentity(cryptoDir, 'Admin').mspDir, 'Org1MSP');
    user1 = await loadSigningIdentity(defaultUserIdentity(cryptoDir, 'User1').mspDir, 'Org1MSP');

    const config = await loadCoreConfig({
      env: { CORE_PEER_FILESYSTEMPATH: data, CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0', CORE_PEER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0' },
    });
    const logs = captureLogging();
    lines = logs.lines;
    peer = await Peer.start({ config, logging: logs.logging, version: WEFT_VERSION, join: [CHANNEL] });
    client = await EndorserClient.connect(peer.listeners.peer.address);
  });

  after(async () => {
    client.close();
    await peer.stop();
  });

  /** A proposal to lscc's getchaincodes on the channel: an endorsed, read-only call every member may make. */
  const proposal = (signer: ProposalSigner | undefined, channelId = CHANNEL) =>
    createSignedProposal({ channelId, chaincodeName: 'lscc', args: [Buffer.from('getchaincodes')], headerType: HeaderType.ENDORSER_TRANSACTION, signer });

  async function refusal(signed: SignedProposal): Promise<string> {
    const reply = await client.send(signed);
    assert.equal(reply.getResponse()?.getStatus(), 500);
    assert.equal(reply.getEndorsement(), undefined);
    assert.equal(reply.getPayload_asU8().length, 0, 'a refused proposal is not simulated');
    return reply.getResponse()?.getMessage() ?? '';
  }

  /** The one log line of the refusal of `txId`. */
  function refusalLog(txId: string): string {
    const found = lines.filter((l) => l.includes(`[${txId.slice(0, 8)}] Failed to preProcess proposal`));
    assert.equal(found.length, 1, `one log line for ${txId}:\n${lines.join('\n')}`);
    return found[0] ?? '';
  }

  test('a good proposal is endorsed; the endorsement verifies with the peer certificate', async () => {
    const { signed } = proposal(admin);
    const reply: ProposalResponse = await client.send(signed);
    assert.equal(reply.getResponse()?.getStatus(), 200);
    const endorsement = reply.getEndorsement();
    assert.ok(endorsement !== undefined, 'the response carries an endorsement');
    const endorser = SerializedIdentity.deserializeBinary(endorsement.getEndorser_asU8());
    assert.equal(endorser.getMspid(), 'Org1MSP');
    const peerMsp = defaultPeerIdentity(defaultCryptoDir(join(root, 'data'))).mspDir;
    const signcert = (await readdir(join(peerMsp, 'signcerts')))[0] ?? '';
    const peerCert = await readFile(join(peerMsp, 'signcerts', signcert), 'utf8');
    assert.equal(Buffer.from(endorser.getIdBytes_asU8()).toString(), peerCert);
    assert.match(new X509Certificate(peerCert).subject, /CN=peer0\.org1\.example\.com/);
    const signedBytes = Buffer.concat([reply.getPayload_asU8(), endorsement.getEndorser_asU8()]);
    assert.equal(verify('sha256', signedBytes, peerCert, endorsement.getSignature_asU8()), true);
    // The signature covers the payload: one changed byte and it no longer verifies.
    signedBytes[0] = (signedBytes[0] ?? 0) ^ 1;
    assert.equal(verify('sha256', signedBytes, peerCert, endorsement.getSignature_asU8()), false);
  });

  test('a tampered proposal is refused: the signature no longer covers it', async () => {
    const { signed, txId } = proposal(admin);
    const bytes = Buffer.from(signed.getProposalBytes_asU8());
    const tampered = Proposal.deserializeBinary(bytes);
    tampered.setPayload(Buffer.concat([Buffer.from(tampered.getPayload_asU8()), Buffer.from([0x12, 0x00])]));
    signed.setProposalBytes(tampered.serializeBinary());
    assert.equal(await refusal(signed), `error validating proposal: access denied: channel [${CHANNEL}] creator org [Org1MSP]`);
    assert.match(refusalLog(txId), /signature over the proposal is not valid/);
  });

  test("a signature by another key than the creator's is refused", async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const impostor: ProposalSigner = { serialize: () => admin.serialize(), sign: (m) => sign('sha256', m, privateKey) };
    const { signed, txId } = proposal(impostor);
    assert.equal(await refusal(signed), `error validating proposal: access denied: channel [${CHANNEL}] creator org [Org1MSP]`);
    assert.match(refusalLog(txId), /signature over the proposal is not valid/);
  });

  test('a certificate of a foreign CA, an expired one and a revoked one are refused, each logged with its reason', async () => {
    const reasons: Record<string, RegExp> = { foreign: /certificate|chain|CA/i, expired: /expired/i, revoked: /revoked/i };
    for (const [name, reason] of Object.entries(reasons)) {
      const { signed, txId } = proposal(identities[name as keyof typeof identities]);
      assert.equal(await refusal(signed), `error validating proposal: access denied: channel [${CHANNEL}] creator org [Org1MSP]`, name);
      assert.match(refusalLog(txId), reason, name);
    }
  });

  test('a client of an organisation that is not in the channel is refused', async () => {
    const { signed, txId } = proposal(identities.org2);
    assert.equal(await refusal(signed), `error validating proposal: access denied: channel [${CHANNEL}] creator org [Org2MSP]`);
    assert.match(refusalLog(txId), /Org2MSP/);
  });

  test('a txid not bound to the nonce and creator is refused', async () => {
    // A well-signed proposal whose channel header names a txid of the client's choosing.
    const { signed } = proposal(admin);
    const forged = Proposal.deserializeBinary(signed.getProposalBytes_asU8());
    const header = Header.deserializeBinary(forged.getHeader_asU8());
    const channelHeader = ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    channelHeader.setTxId('f'.repeat(64));
    header.setChannelHeader(channelHeader.serializeBinary());
    forged.setHeader(header.serializeBinary());
    const bytes = forged.serializeBinary();
    signed.setProposalBytes(bytes);
    signed.setSignature(admin.sign(bytes));
    assert.match(await refusal(signed), /^error validating proposal: incorrectly computed txid 'f{64}' -- expected '[0-9a-f]{64}'$/);
  });

  test('an unsigned proposal, or one without a creator, is refused', async () => {
    const { signed } = proposal(undefined);
    assert.equal(await refusal(signed), 'error validating proposal: creator is empty');
    const { signed: noSignature } = proposal(admin);
    noSignature.setSignature(new Uint8Array());
    assert.equal(await refusal(noSignature), 'error validating proposal: empty signature bytes');
  });

  test('a replayed proposal whose transaction is on the ledger is refused as a duplicate', async () => {
    // qscc's GetChainInfo: a system chaincode call the committer takes as valid (lscc's getchaincodes it would not, as Fabric's VSCC).
    const { signed, txId } = createSignedProposal({
      channelId: CHANNEL,
      chaincodeName: 'qscc',
      args: [Buffer.from('GetChainInfo'), Buffer.from(CHANNEL)],
      headerType: HeaderType.ENDORSER_TRANSACTION,
      signer: user1,
    });
    const reply = await client.send(signed);
    assert.equal(reply.getResponse()?.getStatus(), 200);
    // Sent to the orderer and committed: the peer learns of its commit on its own Deliver service.
    const deliver = await DeliverClient.connect(peer.listeners.peer.address, { service: 'peer', signer: user1 });
    const orderer = await BroadcastClient.connect(peer.listeners.peer.address);
    try {
      const waiter = await CommitWaiter.open(deliver, { channelId: CHANNEL, timeoutMs: 10_000 });
      const answer = await orderer.send(createTransactionEnvelope(signed, reply, user1));
      assert.equal(answer.getStatus(), 200, answer.getInfo());
      assert.equal((await waiter.wait(txId)).validationCodeName, 'VALID');
    } finally {
      orderer.close();
      deliver.close();
    }
    assert.match(await refusal(signed), new RegExp(`^duplicate transaction found \\[${txId}\\]`));
    assert.match(refusalLog(txId), new RegExp(`duplicate transaction found \\[${txId}\\]`));
  });

  test('an envelope not signed by its creator is refused by the orderer (the channel Writers)', async () => {
    const { signed } = proposal(admin);
    const reply = await client.send(signed);
    const orderer = await BroadcastClient.connect(peer.listeners.peer.address);
    try {
      // The envelope's creator is the Admin (from the proposal header), its signature another client's.
      const answer = await orderer.send(createTransactionEnvelope(signed, reply, identities.org2));
      assert.equal(answer.getStatus(), 403, answer.getInfo());
    } finally {
      orderer.close();
    }
  });
});
