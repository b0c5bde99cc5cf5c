import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import type { ChannelBundle } from '../../src/channel/channel-bundle.js';
import { BlockVerificationError } from '../../src/channel/block-verification-error.js';
import { TxValidator } from '../../src/channel/tx-validator.js';
import { genesisBlock } from '../../src/channelconfig/config-block.js';
import type { ConfigtxProfile } from '../../src/channelconfig/configtx.js';
import { encodeChannelGroup } from '../../src/channelconfig/channel-group-encoder.js';
import { Envelope, Payload, type Block } from '../../src/common/protos/common.js';
import { ConfigEnvelope } from '../../src/common/protos/configtx.js';
import transactionPb from '@hyperledger/fabric-protos/lib/peer/transaction_pb.js';
import { validationCodeName } from '../../src/common/protos/orderer.js';
import { ChaincodeData, ChaincodeDeploymentSpec, ChaincodeID, ChaincodeSpec } from '../../src/common/protos/peer.js';
import { ChannelHeader, HeaderType, SignatureHeader } from '../../src/common/protos/proposal.js';
import type { PeerLedger } from '../../src/ledger/index.js';
import type { SigningIdentity } from '../../src/msp/signing-identity.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { defineChaincodes, endorsedTx, nextBlock, twoOrgChannel, type TwoOrgIdentities } from '../helpers/two-org-channel.js';
import type { LsccDefinitionSource } from '../../src/chaincode/lscc-definition-source.js';

const names = (codes: number[]): string[] => codes.map(validationCodeName);

describe('TxValidator: the codes Fabric gives each transaction of a block', () => {
  let ids: TwoOrgIdentities;
  let ledger: PeerLedger;
  let bundle: ChannelBundle;
  let definitions: LsccDefinitionSource;
  let profile: ConfigtxProfile;
  let lines: string[];
  let validator: TxValidator;

  before(async () => {
    ({ ids, ledger, bundle, definitions, profile } = await twoOrgChannel());
    await defineChaincodes(ledger, [
      { name: 'both', version: '1.0', policy: "AND('Org1MSP.peer','Org2MSP.peer')" },
      { name: 'any', version: '1.0', policy: "OR('Org1MSP.peer','Org2MSP.peer')" },
      { name: 'org2only', version: '2.0', policy: "OR('Org2MSP.peer')" },
    ]);
    const logs = captureLogging();
    lines = logs.lines;
    validator = new TxValidator({ channelId: ledger.channelId }, { definitions, ledger, logger: logs.logging.logger('committer.txvalidator') });
  });

  const validate = async (envelopes: Array<Envelope | Uint8Array>): Promise<string[]> =>
    names((await validator.validate(await nextBlock(ledger, envelopes, ids.orderer), bundle)).codes);
  const tx = (over: Partial<Parameters<typeof endorsedTx>[1]> = {}) =>
    endorsedTx(ledger, { creator: ids.org1User, chaincode: 'both', endorsers: [ids.org1Peer, ids.org2Peer], writes: { both: { k: 'v' } }, ...over });
  /** An envelope whose payload is changed by `edit`, signed again by `signer`. */
  const resigned = (envelope: Envelope, signer: SigningIdentity, edit: (payload: InstanceType<typeof Payload>) => void): Envelope => {
    const payload = Payload.deserializeBinary(envelope.getPayload_asU8());
    edit(payload);
    const out = new Envelope();
    out.setPayload(payload.serializeBinary());
    out.setSignature(signer.sign(out.getPayload_asU8()));
    return out;
  };
  const editChannelHeader = (envelope: Envelope, signer: SigningIdentity, edit: (ch: ChannelHeader) => void): Envelope =>
    resigned(envelope, signer, (payload) => {
      const header = payload.getHeader();
      assert.ok(header !== undefined);
      const ch = ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
      edit(ch);
      header.setChannelHeader(ch.serializeBinary());
    });

  test("AND('Org1MSP.peer','Org2MSP.peer'): both endorsements VALID; one, or one endorser twice, ENDORSEMENT_POLICY_FAILURE", async () => {
    const both = await tx();
    const one = await tx({ endorsers: [ids.org1Peer] });
    const twice = await tx({ endorsers: [ids.org1Peer, ids.org1Peer] });
    const byClients = await tx({ endorsers: [ids.org1User, ids.org2User] });
    assert.deepEqual(await validate([both.envelope, one.envelope, twice.envelope, byClients.envelope]), [
      'VALID',
      'ENDORSEMENT_POLICY_FAILURE',
      'ENDORSEMENT_POLICY_FAILURE',
      'ENDORSEMENT_POLICY_FAILURE',
    ]);
    assert.ok(lines.some((l) => l.includes(`txid [${one.txId}]: VSCC error: endorsement policy failure, err: signature set did not satisfy policy (namespace both) -> ENDORSEMENT_POLICY_FAILURE`)));
  });

  test('an endorsement whose signature does not verify does not count', async () => {
    const { envelope } = await tx();
    const altered = resigned(envelope, ids.org1User, (payload) => {
      const transaction = transactionPb.Transaction.deserializeBinary(payload.getData_asU8());
      const action = transaction.getActionsList()[0];
      assert.ok(action !== undefined);
      const cap = transactionPb.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
      const endorsement = cap.getAction()?.getEndorsementsList()[1];
      assert.ok(endorsement !== undefined);
      endorsement.setSignature(ids.org2Peer.sign(Buffer.from('something else')));
      action.setPayload(cap.serializeBinary());
      payload.setData(transaction.serializeBinary());
    });
    assert.deepEqual(await validate([altered]), ['ENDORSEMENT_POLICY_FAILURE']);
  });

  test('a forged creator signature, or a creator of an organisation not on the channel: BAD_CREATOR_SIGNATURE', async () => {
    const { envelope } = await tx();
    const forged = new Envelope();
    forged.setPayload(envelope.getPayload_asU8());
    forged.setSignature(ids.org2User.sign(envelope.getPayload_asU8()));
    const foreign = await tx({ creator: ids.org3User });
    assert.deepEqual(await validate([forged, foreign.envelope]), ['BAD_CREATOR_SIGNATURE', 'BAD_CREATOR_SIGNATURE']);
    assert.ok(lines.some((l) => l.includes("creator's signature over the proposal is not valid -> BAD_CREATOR_SIGNATURE")));
    assert.ok(lines.some((l) => l.includes('MSP error: MSP Org3MSP is not defined on channel -> BAD_CREATOR_SIGNATURE')));
  });

  test('a txid not bound to nonce and creator: BAD_PROPOSAL_TXID', async () => {
    const { envelope } = await tx();
    const rebound = editChannelHeader(envelope, ids.org1User, (ch) => ch.setTxId('f'.repeat(64)));
    assert.deepEqual(await validate([rebound]), ['BAD_PROPOSAL_TXID']);
  });

  test('a duplicate txid in the block, or one already on the ledger: DUPLICATE_TXID', async () => {
    const first = await tx({ chaincode: 'any', endorsers: [ids.org1Peer], writes: { any: { d1: 'v' } } });
    assert.deepEqual(await validate([first.envelope, first.envelope]), ['VALID', 'DUPLICATE_TXID']);
    await ledger.commit(await nextBlock(ledger, [first.envelope], ids.orderer));
    assert.deepEqual(await validate([first.envelope]), ['DUPLICATE_TXID']);
    assert.ok(lines.some((l) => l.includes(`Duplicate transaction found, ${first.txId}, skipping -> DUPLICATE_TXID`)));
  });

  test('malformed envelopes, another channel, unknown and unsupported header types get their codes', async () => {
    const { envelope } = await tx();
    const badPayload = new Envelope();
    badPayload.setPayload(Uint8Array.of(0xff, 0xff, 0xff));
    badPayload.setSignature(Uint8Array.of(1));
    const otherChannel = editChannelHeader(envelope, ids.org1User, (ch) => ch.setChannelId('otherchannel'));
    const unknownType = editChannelHeader(envelope, ids.org1User, (ch) => ch.setType(42));
    const configUpdate = editChannelHeader(envelope, ids.org1User, (ch) => ch.setType(HeaderType.CONFIG_UPDATE));
    const noNonce = resigned(envelope, ids.org1User, (payload) => {
      const header = payload.getHeader();
      assert.ok(header !== undefined);
      const sh = SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
      sh.setNonce(new Uint8Array());
      header.setSignatureHeader(sh.serializeBinary());
    });
    assert.deepEqual(await validate([new Uint8Array(), badPayload, otherChannel, unknownType, configUpdate, noNonce]), [
      'NIL_ENVELOPE',
      'BAD_PAYLOAD',
      'TARGET_CHAIN_NOT_FOUND',
      'BAD_COMMON_HEADER',
      'UNSUPPORTED_TX_PAYLOAD',
      'BAD_COMMON_HEADER',
    ]);
  });

  test('a response that does not answer the proposal: INVALID_ENDORSER_TRANSACTION', async () => {
    const { envelope } = await tx();
    // The client's header with a new nonce (and the txid to match): the proposal hash no longer matches.
    const moved = resigned(envelope, ids.org1User, (payload) => {
      const header = payload.getHeader();
      assert.ok(header !== undefined);
      const sh = SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
      const nonce = randomBytes(24);
      sh.setNonce(nonce);
      header.setSignatureHeader(sh.serializeBinary());
      const ch = ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
      ch.setTxId(createHash('sha256').update(nonce).update(sh.getCreator_asU8()).digest('hex'));
      header.setChannelHeader(ch.serializeBinary());
    });
    assert.deepEqual(await validate([moved]), ['INVALID_ENDORSER_TRANSACTION']);
  });

  test("writes to lscc's namespace, to a system chaincode's, or to an undefined chaincode's; an upgraded chaincode's old version", async () => {
    const toLscc = await tx({ writes: { both: { k: 'v' }, lscc: { both: 'x' } } });
    const toQscc = await tx({ writes: { both: { k: 'v' }, qscc: { k: 'x' } } });
    const undefinedCc = await tx({ chaincode: 'nosuchcc', writes: { nosuchcc: { k: 'v' } } });
    const otherNs = await tx({ writes: { both: { k: 'v' }, org2only: { k: 'v' } }, endorsers: [ids.org1Peer, ids.org2Peer] });
    const oldVersion = await tx({ chaincode: 'org2only', version: '1.0', endorsers: [ids.org2Peer], writes: { org2only: { k: 'v' } } });
    const cscc = await tx({ chaincode: 'cscc', version: 'syscc', endorsers: [ids.org1Peer], writes: { cscc: { k: 'v' } } });
    assert.deepEqual(await validate([toLscc.envelope, toQscc.envelope, undefinedCc.envelope, otherNs.envelope, oldVersion.envelope, cscc.envelope]), [
      'ILLEGAL_WRITESET',
      'ILLEGAL_WRITESET',
      'INVALID_CHAINCODE',
      'VALID',
      'EXPIRED_CHAINCODE',
      'ILLEGAL_WRITESET',
    ]);
    assert.ok(lines.some((l) => l.includes('chaincode both attempted to write to the namespace of LSCC -> ILLEGAL_WRITESET')));
    assert.ok(lines.some((l) => l.includes('chaincode nosuchcc not found -> INVALID_CHAINCODE')));
    // Writing another chaincode's namespace needs that chaincode's endorsement policy too.
    const otherNsUnendorsed = await tx({ writes: { both: { k: 'v' }, org2only: { k: 'v' } }, endorsers: [ids.org1Peer, ids.org2User] });
    assert.deepEqual(await validate([otherNsUnendorsed.envelope]), ['ENDORSEMENT_POLICY_FAILURE']);
  });

  test('lscc deploy: by an admin, endorsed by a member, VALID; by a client, or of a defined chaincode, or another function, ENDORSEMENT_POLICY_FAILURE', async () => {
    const deploy = (creator: SigningIdentity, name: string, fn = 'deploy') => {
      const cds = deploymentSpec(name, '1.0');
      const data = new ChaincodeData();
      data.setName(name);
      data.setVersion('1.0');
      return tx({
        creator,
        chaincode: 'lscc',
        version: 'syscc',
        args: [fn, ledger.channelId, cds],
        endorsers: [ids.org1Peer],
        writes: { lscc: { [name]: data.serializeBinary() }, [name]: { initialised: 'yes' } },
      });
    };
    const byAdmin = await deploy(ids.org1Admin, 'newcc');
    const byClient = await deploy(ids.org1User, 'newcc2');
    const again = await deploy(ids.org1Admin, 'both');
    const query = await deploy(ids.org1Admin, 'newcc3', 'getchaincodes');
    assert.deepEqual(await validate([byAdmin.envelope, byClient.envelope, again.envelope, query.envelope]), [
      'VALID',
      'ENDORSEMENT_POLICY_FAILURE',
      'ENDORSEMENT_POLICY_FAILURE',
      'ENDORSEMENT_POLICY_FAILURE',
    ]);
    assert.ok(lines.some((l) => l.includes('chaincode instantiation policy violated')));
    assert.ok(lines.some((l) => l.includes('Chaincode both is already instantiated')));
    assert.ok(lines.some((l) => l.includes('committing an invocation of function getchaincodes of lscc is invalid')));
  });

  test("a config transaction: the channel's next config is VALID and returned; one that cannot follow refuses the block", async () => {
    const next = (sequence: number) => async (): Promise<Block> => {
      const block = genesisBlock(await encodeChannelGroup(profile, {}), ledger.channelId);
      // The orderer's config envelope: Config{sequence} signed by the orderer.
      const envelope = Envelope.deserializeBinary(block.getData()?.getDataList_asU8()[0] ?? new Uint8Array());
      const signed = resigned(envelope, ids.orderer, (payload) => {
        const header = payload.getHeader();
        assert.ok(header !== undefined);
        const sh = SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
        sh.setCreator(ids.orderer.serialize());
        header.setSignatureHeader(sh.serializeBinary());
        const configEnvelope = ConfigEnvelope.deserializeBinary(payload.getData_asU8());
        configEnvelope.getConfig()?.setSequence(sequence);
        payload.setData(configEnvelope.serializeBinary());
      });
      return nextBlock(ledger, [signed], ids.orderer);
    };
    const good = await validator.validate(await next(1)(), bundle);
    assert.deepEqual(names(good.codes), ['VALID']);
    assert.equal(good.configBundle?.config.sequence, 1);
    await assert.rejects(validator.validate(await next(5)(), bundle), (err: unknown) => {
      assert.ok(err instanceof BlockVerificationError);
      assert.equal(err.code, 'CONFIG_INVALID');
      assert.match(err.message, /config sequence is 5, the channel's next is 1/);
      return true;
    });
  });
});

function deploymentSpec(name: string, version: string): Uint8Array {
  const id = new ChaincodeID();
  id.setName(name);
  id.setVersion(version);
  const spec = new ChaincodeSpec();
  spec.setType(2);
  spec.setChaincodeId(id);
  const cds = new ChaincodeDeploymentSpec();
  cds.setChaincodeSpec(spec);
  return cds.serializeBinary();
}

