import assert from 'node:assert/strict';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import commonPb from '@hyperledger/fabric-protos/lib/common/common_pb.js';
import transactionPb from '@hyperledger/fabric-protos/lib/peer/transaction_pb.js';
import { Envelope, Payload } from '../../src/common/protos/common.js';
import { MSPPrincipal, MSPRole, OrganizationUnit, SerializedIdentity, type MSPPrincipal as Principal } from '../../src/common/protos/msp.js';
import { blockHeaderBytes } from '../../src/ledger/block-hash.js';
import { curveOrderOf, encodeEcdsaSignature, parseEcdsaSignature } from '../../src/msp/ecdsa-signature.js';
import { FabricMsp } from '../../src/msp/fabric-msp.js';
import { loadLocalMsp } from '../../src/msp/local-msp.js';
import { MspError } from '../../src/msp/msp-error.js';
import { readMspFolder } from '../../src/msp/msp-folder.js';
import { MspManager } from '../../src/msp/msp-manager.js';
import { loadSigningIdentity } from '../../src/msp/signing-identity.js';
import { FIXTURE_MSP, readFixtureBlocks } from '../helpers/fabric-fixture.js';
import { refusedWith } from '../helpers/refused-with.js';

const { MSPRoleType } = MSPRole;

function serialize(mspId: string, pem: string | Uint8Array): Uint8Array {
  const sid = new SerializedIdentity();
  sid.setMspid(mspId);
  sid.setIdBytes(typeof pem === 'string' ? Buffer.from(pem) : pem);
  return sid.serializeBinary();
}

function rolePrincipal(mspId: string, role: number): Principal {
  const r = new MSPRole();
  r.setMspIdentifier(mspId);
  r.setRole(role as 0);
  const p = new MSPPrincipal();
  p.setPrincipalClassification(MSPPrincipal.Classification.ROLE);
  p.setPrincipal(r.serializeBinary());
  return p;
}

async function signcert(mspDir: string): Promise<string> {
  const signer = await loadSigningIdentity(mspDir, 'Org1MSP');
  return signer.certificatePem;
}

const expectMspError = (code: string, pattern: RegExp): ((err: unknown) => boolean) => refusedWith(MspError, code, pattern);

describe('FabricMsp with the Fabric-made crypto of the fixture', () => {
  let org1: FabricMsp;
  let orderer: FabricMsp;
  const pems: Record<'peer0' | 'admin' | 'user1', string> = { peer0: '', admin: '', user1: '' };

  before(async () => {
    org1 = FabricMsp.fromConfig(await readMspFolder(FIXTURE_MSP.org1, 'Org1MSP'));
    orderer = FabricMsp.fromConfig(await readMspFolder(FIXTURE_MSP.orderer, 'OrdererMSP'));
    pems.peer0 = await signcert(FIXTURE_MSP.org1Peer0);
    pems.admin = await signcert(FIXTURE_MSP.org1Admin);
    pems.user1 = await signcert(FIXTURE_MSP.org1User1);
  });

  it('validates peer0, Admin and User1 and classifies them as peer, admin and client', () => {
    assert.equal(org1.id, 'Org1MSP');
    assert.equal(org1.nodeOUsEnabled, true);
    const expected = { peer0: 'peer', admin: 'admin', user1: 'client' } as const;
    for (const [name, role] of Object.entries(expected)) {
      const identity = org1.deserializeIdentity(serialize('Org1MSP', pems[name as keyof typeof pems]));
      identity.validate();
      assert.equal(identity.nodeRole(), role, name);
      assert.equal(identity.mspId, 'Org1MSP');
      assert.equal(identity.id, createHash('sha256').update(identity.certificate.raw).digest('hex'));
    }
  });

  it('matches ROLE principals as Fabric does', () => {
    const table: [keyof typeof pems, number, boolean][] = [
      ['peer0', MSPRoleType.MEMBER, true],
      ['peer0', MSPRoleType.PEER, true],
      ['peer0', MSPRoleType.CLIENT, false],
      ['peer0', MSPRoleType.ADMIN, false],
      ['admin', MSPRoleType.ADMIN, true],
      ['admin', MSPRoleType.CLIENT, false],
      ['admin', MSPRoleType.MEMBER, true],
      ['user1', MSPRoleType.CLIENT, true],
      ['user1', MSPRoleType.ADMIN, false],
      ['user1', MSPRoleType.PEER, false],
      ['user1', MSPRoleType.ORDERER, false],
    ];
    for (const [name, role, expected] of table) {
      const identity = org1.deserializeIdentity(serialize('Org1MSP', pems[name]));
      assert.equal(identity.satisfiesPrincipal(rolePrincipal('Org1MSP', role)), expected, `${name} role ${role}`);
      assert.equal(identity.satisfiesPrincipal(rolePrincipal('Org2MSP', role)), false, `${name} role ${role} of another MSP`);
    }
  });

  it('matches IDENTITY principals by certificate and ORGANIZATION_UNIT principals by OU and certifiers', async () => {
    const user1 = org1.deserializeIdentity(serialize('Org1MSP', pems.user1));
    const peer0 = org1.deserializeIdentity(serialize('Org1MSP', pems.peer0));
    const idPrincipal = new MSPPrincipal();
    idPrincipal.setPrincipalClassification(MSPPrincipal.Classification.IDENTITY);
    idPrincipal.setPrincipal(serialize('Org1MSP', pems.user1));
    assert.equal(user1.satisfiesPrincipal(idPrincipal), true);
    assert.equal(peer0.satisfiesPrincipal(idPrincipal), false);

    const caPem = await readFile(join(FIXTURE_MSP.org1, 'cacerts/ca.org1.example.com-cert.pem'), 'utf8');
    const caDer = Buffer.from(caPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const ou = new OrganizationUnit();
    ou.setMspIdentifier('Org1MSP');
    ou.setOrganizationalUnitIdentifier('client');
    ou.setCertifiersIdentifier(createHash('sha256').update(caDer).digest());
    const ouPrincipal = new MSPPrincipal();
    ouPrincipal.setPrincipalClassification(MSPPrincipal.Classification.ORGANIZATION_UNIT);
    ouPrincipal.setPrincipal(ou.serializeBinary());
    assert.equal(user1.satisfiesPrincipal(ouPrincipal), true);
    assert.equal(peer0.satisfiesPrincipal(ouPrincipal), false);
    ou.setCertifiersIdentifier(Buffer.alloc(32, 1));
    ouPrincipal.setPrincipal(ou.serializeBinary());
    assert.equal(user1.satisfiesPrincipal(ouPrincipal), false, 'another certifier');
  });

  it('caches identities by their bytes', () => {
    const bytes = serialize('Org1MSP', pems.user1);
    assert.equal(org1.deserializeIdentity(bytes), org1.deserializeIdentity(Uint8Array.from(bytes)));
  });

  it('refuses an identity of another MSP, and bytes that hold no certificate', () => {
    assert.throws(() => org1.deserializeIdentity(serialize('OrdererMSP', pems.user1)), expectMspError('MSP_MISMATCH', /expected MSP ID Org1MSP, received OrdererMSP/));
    assert.throws(() => org1.deserializeIdentity(serialize('Org1MSP', 'hello')), expectMspError('IDENTITY_MALFORMED', /could not decode the PEM structure/));
    const garbage = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    assert.throws(() => org1.deserializeIdentity(serialize('Org1MSP', garbage)), expectMspError('IDENTITY_MALFORMED', /parseCertificate failed/));
  });

  it('refuses an identity of Org1 in the orderer MSP: no chain to its CA', () => {
    const identity = orderer.identityOf(Buffer.from(pems.user1), new Uint8Array(0));
    assert.throws(() => identity.validate(), expectMspError('IDENTITY_UNTRUSTED', /certificate signed by unknown authority/));
    assert.equal(identity.satisfiesPrincipal(rolePrincipal('OrdererMSP', MSPRoleType.MEMBER)), false);
  });

  it('checks validity dates against its clock (checkExpiry false: at issuance only, as Fabric)', async () => {
    const config = await readMspFolder(FIXTURE_MSP.org1, 'Org1MSP');
    const late = FabricMsp.fromConfig(config, { now: () => new Date('2040-01-01T00:00:00Z') });
    const user1 = late.deserializeIdentity(serialize('Org1MSP', pems.user1));
    assert.throws(() => user1.validate(), expectMspError('IDENTITY_EXPIRED', /certificate has expired or is not yet valid: current time 2040-01-01T00:00:00.000Z is after 2036-/));
    assert.equal(user1.satisfiesPrincipal(rolePrincipal('Org1MSP', MSPRoleType.MEMBER)), false);
    const early = FabricMsp.fromConfig(config, { now: () => new Date('2020-01-01T00:00:00Z') });
    assert.throws(() => early.deserializeIdentity(serialize('Org1MSP', pems.user1)).validate(), expectMspError('IDENTITY_EXPIRED', /is before 2026-/));
    const replay = FabricMsp.fromConfig(config, { now: () => new Date('2040-01-01T00:00:00Z'), checkExpiry: false });
    replay.deserializeIdentity(serialize('Org1MSP', pems.user1)).validate();
  });

  it('verifies signatures made with the priv_sk keys, and refuses their high-S twins and other messages', async () => {
    const message = Buffer.from('a proposal');
    for (const dir of [FIXTURE_MSP.org1Peer0, FIXTURE_MSP.org1Admin, FIXTURE_MSP.org1User1]) {
      const signer = await loadSigningIdentity(dir, 'Org1MSP');
      const identity = org1.deserializeIdentity(signer.serialize());
      const signature = signer.sign(message);
      assert.equal(identity.verify(message, signature), true);
      // Checked again, a signature is recognised from the identity's memory of what it verified,
      // for the same message only.
      assert.equal(identity.verify(message, signature), true);
      assert.equal(identity.verify(Buffer.from('another proposal'), signature), false);
      const parsed = parseEcdsaSignature(signature);
      const order = curveOrderOf(identity.certificate.publicKey);
      assert.ok(parsed !== undefined && order !== undefined);
      assert.ok(parsed.s <= order / 2n, 'the signer normalises to low-S');
      const highS = encodeEcdsaSignature(parsed.r, order - parsed.s);
      assert.equal(identity.verify(message, highS), false, 'a high-S signature is refused');
    }
  });

  it('verifies on the thread pool by the same rules: high-S twins, other messages and other keys refused', async () => {
    const message = Buffer.from('an envelope payload');
    const signer = await loadSigningIdentity(FIXTURE_MSP.org1User1, 'Org1MSP');
    const other = await loadSigningIdentity(FIXTURE_MSP.org1Admin, 'Org1MSP');
    // A fresh MSP: nothing remembered from the test above.
    const identity = FabricMsp.fromConfig(await readMspFolder(FIXTURE_MSP.org1, 'Org1MSP')).deserializeIdentity(signer.serialize());
    const signature = signer.sign(message);
    const parsed = parseEcdsaSignature(signature);
    const order = curveOrderOf(identity.certificate.publicKey);
    assert.ok(parsed !== undefined && order !== undefined);
    const results = await Promise.all([
      identity.verifyAsync(message, signature),
      identity.verifyAsync(Buffer.from('another payload'), signature),
      identity.verifyAsync(message, encodeEcdsaSignature(parsed.r, order - parsed.s)),
      identity.verifyAsync(message, other.sign(message)),
      identity.verifyAsync(message, Buffer.from('not a signature')),
    ]);
    assert.deepEqual(results, [true, false, false, false, false]);
    // What verified is remembered, for the sync check as for the async one.
    assert.equal(await identity.verifyAsync(message, signature), true);
    assert.equal(identity.verify(message, signature), true);
  });

  it("recognises a signature noted as its own for the message it signed only, and still refuses others'", async () => {
    const signer = await loadSigningIdentity(FIXTURE_MSP.org1Peer0, 'Org1MSP');
    const identity = org1.deserializeIdentity(signer.serialize());
    const message = Buffer.from('an endorsement');
    const signature = signer.sign(message);
    identity.noteOwnSignature(message, signature);
    assert.equal(identity.verify(message, signature), true);
    // Noted for one message, the signature does not vouch for another; a forged one is still verified, and fails.
    assert.equal(identity.verify(Buffer.from('another endorsement'), signature), false);
    const forged = Buffer.from(signature);
    forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1;
    assert.equal(identity.verify(message, forged), false);
    // What was noted or verified is kept as a copy: the caller changing its buffer afterwards does not make the new bytes pass.
    const scratch = Buffer.from('a proposal');
    const scratchSignature = signer.sign(scratch);
    assert.equal(identity.verify(scratch, scratchSignature), true);
    scratch.write('a forgery!');
    assert.equal(identity.verify(scratch, scratchSignature), false);
    const noted = Buffer.from('an endorsement 2');
    const notedSignature = signer.sign(noted);
    identity.noteOwnSignature(noted, notedSignature);
    noted.write('an endorsement 3');
    assert.equal(identity.verify(noted, notedSignature), false);
  });

  it('verifies a raw (unnormalised) signature by the key when it is low-S, and refuses it when high', async () => {
    const key = createPrivateKey(await readFile(join(FIXTURE_MSP.org1User1, 'keystore/priv_sk')));
    const identity = org1.deserializeIdentity(serialize('Org1MSP', pems.user1));
    const order = curveOrderOf(identity.certificate.publicKey) ?? 0n;
    let sawHigh = false;
    let sawLow = false;
    for (let i = 0; i < 64 && !(sawHigh && sawLow); i++) {
      const message = Buffer.from(`message ${i}`);
      const signature = sign('sha256', message, key);
      const high = (parseEcdsaSignature(signature)?.s ?? 0n) > order / 2n;
      assert.equal(identity.verify(message, signature), !high);
      sawHigh ||= high;
      sawLow ||= !high;
    }
    assert.ok(sawHigh && sawLow);
  });

  it('loads the local MSP of peer0: its MSP and its signer', async () => {
    const { msp, signer } = await loadLocalMsp(FIXTURE_MSP.org1Peer0, 'Org1MSP');
    assert.equal(msp.id, 'Org1MSP');
    const identity = msp.deserializeIdentity(signer.serialize());
    assert.equal(identity.nodeRole(), 'peer');
    assert.equal(identity.verify(Buffer.from('x'), signer.sign(Buffer.from('x'))), true);
  });
});

describe('MspManager over the fixture channel', () => {
  let manager: MspManager;

  before(async () => {
    manager = new MspManager([
      FabricMsp.fromConfig(await readMspFolder(FIXTURE_MSP.org1, 'Org1MSP')),
      FabricMsp.fromConfig(await readMspFolder(FIXTURE_MSP.orderer, 'OrdererMSP')),
    ]);
  });

  it('names an MSP the channel does not define, as Fabric does', async () => {
    const pem = await signcert(FIXTURE_MSP.org1User1);
    assert.throws(() => manager.deserializeIdentity(serialize('Org2MSP', pem)), expectMspError('MSP_UNKNOWN', /^MSP Org2MSP is not defined on channel$/));
    assert.throws(() => manager.deserializeIdentity(Buffer.from([0xff, 0xff, 0xff])), expectMspError('IDENTITY_MALFORMED', /could not deserialize a SerializedIdentity/));
    assert.deepEqual(manager.mspIds.sort(), ['OrdererMSP', 'Org1MSP']);
    assert.equal(manager.getMsp('Org1MSP')?.id, 'Org1MSP');
  });

  it("verifies the orderer's signature on blocks 1..25 of the fixture (block 0, made by configtxgen, is unsigned)", async () => {
    for (const block of (await readFixtureBlocks()).slice(1)) {
      const header = block.getHeader();
      assert.ok(header);
      // Fabric signs metadata value || signature header || the ASN.1 DER of (number, previous hash, data hash).
      const headerDer = blockHeaderBytes({ number: header.getNumber(), previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() });
      const metadata = commonPb.Metadata.deserializeBinary(block.getMetadata()?.getMetadataList_asU8()[0] ?? new Uint8Array());
      const signatures = metadata.getSignaturesList();
      assert.equal(signatures.length, 1, `block ${header.getNumber()}`);
      for (const sig of signatures) {
        const signatureHeader = sig.getSignatureHeader_asU8();
        const signer = manager.deserializeIdentity(commonPb.SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8());
        assert.equal(signer.mspId, 'OrdererMSP');
        assert.equal(signer.satisfiesPrincipal(rolePrincipal('OrdererMSP', MSPRoleType.MEMBER)), true);
        assert.equal(signer.satisfiesPrincipal(rolePrincipal('OrdererMSP', MSPRoleType.ADMIN)), false, 'the orderer node is not an admin');
        const signed = Buffer.concat([metadata.getValue_asU8(), signatureHeader, headerDer]);
        assert.equal(signer.verify(signed, sig.getSignature_asU8()), true, `block ${header.getNumber()}`);
      }
    }
  });

  it('finds the admin of an org without NodeOUs in its admincerts', async () => {
    const adminPem = await readFile(join(FIXTURE_MSP.orderer, 'admincerts/Admin@example.com-cert.pem'), 'utf8');
    const admin = manager.deserializeIdentity(serialize('OrdererMSP', adminPem));
    assert.equal(admin.nodeRole(), undefined);
    assert.equal(admin.satisfiesPrincipal(rolePrincipal('OrdererMSP', MSPRoleType.ADMIN)), true);
    assert.equal(admin.satisfiesPrincipal(rolePrincipal('OrdererMSP', MSPRoleType.CLIENT)), false, 'no NodeOUs: no client role');
  });

  it("verifies every creator and endorsement signature of the fixture's blocks 3..25", async () => {
    const blocks = await readFixtureBlocks();
    assert.equal(blocks.length, 26);
    let transactions = 0;
    let endorsements = 0;
    for (const block of blocks.slice(3)) {
      for (const data of block.getData()?.getDataList_asU8() ?? []) {
        const envelope = Envelope.deserializeBinary(data);
        const payloadBytes = envelope.getPayload_asU8();
        const payload = Payload.deserializeBinary(payloadBytes);
        const signatureHeader = commonPb.SignatureHeader.deserializeBinary(payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array());
        const creator = manager.deserializeIdentity(signatureHeader.getCreator_asU8());
        creator.validate();
        assert.equal(creator.nodeRole(), 'client');
        assert.equal(creator.satisfiesPrincipal(rolePrincipal('Org1MSP', MSPRoleType.CLIENT)), true);
        assert.equal(creator.verify(payloadBytes, envelope.getSignature_asU8()), true, 'envelope signature by User1');
        assert.equal(creator.verify(Buffer.concat([payloadBytes, Buffer.of(0)]), envelope.getSignature_asU8()), false);
        transactions++;
        const tx = transactionPb.Transaction.deserializeBinary(payload.getData_asU8());
        for (const action of tx.getActionsList()) {
          const endorsed = transactionPb.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
          assert.ok(endorsed);
          const prp = endorsed.getProposalResponsePayload_asU8();
          for (const endorsement of endorsed.getEndorsementsList()) {
            const endorser = manager.deserializeIdentity(endorsement.getEndorser_asU8());
            endorser.validate();
            assert.equal(endorser.nodeRole(), 'peer');
            assert.equal(endorser.satisfiesPrincipal(rolePrincipal('Org1MSP', MSPRoleType.PEER)), true);
            assert.equal(endorser.verify(Buffer.concat([prp, endorsement.getEndorser_asU8()]), endorsement.getSignature_asU8()), true, 'endorsement by peer0');
            endorsements++;
          }
        }
      }
    }
    assert.ok(transactions >= 200, `${transactions} transactions`);
    assert.equal(endorsements, transactions);
  });
});
