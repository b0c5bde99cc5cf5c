import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EndorserClient } from '../../src/client/endorser-client.js';
import { createSignedProposal } from '../../src/client/signed-proposal.js';
import { loadCoreConfig } from '../../src/common/config/load-core-config.js';
import { ChannelHeader, Header, HeaderType, Proposal, SignedProposal } from '../../src/common/protos/proposal.js';
import { Peer } from '../../src/peer/peer.js';
import { WEFT_VERSION } from '../../src/version.js';
import { captureLogging } from '../helpers/capture-logging.js';
import type { SigningIdentity } from '../../src/msp/signing-identity.js';
import { defaultUser } from '../helpers/default-identities.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('Endorser, through the peer listener', () => {
  let peer: Peer;
  let client: EndorserClient;
  let admin: SigningIdentity;

  before(async () => {
    const root = await tempDir();
    const config = await loadCoreConfig({
      env: { CORE_PEER_FILESYSTEMPATH: root, CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:0', CORE_PEER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_LISTENADDRESS: '127.0.0.1:0', CORE_PEER_ORDERER_ADMINLISTENADDRESS: '127.0.0.1:0' },
    });
    peer = await Peer.start({ config, logging: captureLogging().logging, version: WEFT_VERSION, join: ['ch'] });
    client = await EndorserClient.connect(peer.listeners.peer.address);
    admin = await defaultUser(root);
  });

  after(async () => {
    client.close();
    await peer.stop();
  });

  async function answer(signed: SignedProposal): Promise<{ status: number; message: string }> {
    const response = (await client.send(signed)).getResponse();
    return { status: response?.getStatus() ?? 0, message: response?.getMessage() ?? '' };
  }

  const proposal = (req: { channelId: string; chaincodeName: string; args: string[]; headerType?: number }) =>
    createSignedProposal({ headerType: HeaderType.ENDORSER_TRANSACTION, ...req, args: req.args.map((a) => Buffer.from(a)), signer: admin }).signed;

  test('a system chaincode answers on the system channel; the response carries the simulation', async () => {
    const reply = await client.send(proposal({ channelId: '', chaincodeName: 'cscc', args: ['GetChannels'] }));
    assert.equal(reply.getResponse()?.getStatus(), 200);
    assert.ok(reply.getPayload_asU8().length > 0, 'a ProposalResponsePayload');
  });

  test('a proposal that cannot be read is answered with an error naming the part that is wrong', async () => {
    const junk = new SignedProposal();
    junk.setProposalBytes(Buffer.from([0xff, 0xff, 0xff]));
    assert.match((await answer(junk)).message, /^error unmarshalling the proposal: /);

    const ch = new ChannelHeader();
    ch.setType(HeaderType.MESSAGE);
    ch.setTxId('t');
    const header = new Header();
    header.setChannelHeader(ch.serializeBinary());
    const p = new Proposal();
    p.setHeader(header.serializeBinary());
    const wrongType = new SignedProposal();
    wrongType.setProposalBytes(p.serializeBinary());
    assert.equal((await answer(wrongType)).message, 'invalid header type 0: a proposal is ENDORSER_TRANSACTION or CONFIG');

    // A well-formed proposal with one part replaced by `swap`.
    const reshaped = (swap: (parts: { header: InstanceType<typeof Header>; channelHeader: ChannelHeader; proposal: Proposal }) => void): SignedProposal => {
      const good = Proposal.deserializeBinary(proposal({ channelId: 'ch', chaincodeName: 'qscc', args: ['GetChainInfo', 'ch'] }).getProposalBytes_asU8());
      const goodHeader = Header.deserializeBinary(good.getHeader_asU8());
      const parts = { proposal: good, header: goodHeader, channelHeader: ChannelHeader.deserializeBinary(goodHeader.getChannelHeader_asU8()) };
      swap(parts);
      parts.header.setChannelHeader(parts.channelHeader.serializeBinary());
      parts.proposal.setHeader(parts.header.serializeBinary());
      const signed = new SignedProposal();
      signed.setProposalBytes(parts.proposal.serializeBinary());
      return signed;
    };
    const noTxId = reshaped(({ channelHeader }) => channelHeader.setTxId(''));
    assert.equal((await answer(noTxId)).message, 'the proposal has no transaction ID');
    const noChaincode = reshaped(({ channelHeader, proposal: p }) => {
      channelHeader.setExtension$(new Uint8Array(0));
      p.setPayload(new Uint8Array(0));
    });
    assert.equal((await answer(noChaincode)).message, 'the proposal names no chaincode');
    const junkPayload = reshaped(({ proposal: p }) => p.setPayload(Buffer.from([0x0a, 0x05, 0x01])));
    assert.match((await answer(junkPayload)).message, /^error unmarshalling the chaincode proposal payload: /);
  });

  test('an unknown channel, an unknown chaincode, and user chaincode on the system channel are refused by name', async () => {
    assert.equal((await answer(proposal({ channelId: 'nochannel', chaincodeName: 'qscc', args: ['GetChainInfo', 'x'] }))).message, "channel 'nochannel' not found");
    assert.equal(
      (await answer(proposal({ channelId: 'ch', chaincodeName: 'nocc', args: ['f'] }))).message,
      'make sure the chaincode nocc has been successfully defined on channel ch and try again: chaincode nocc not found',
    );
    assert.equal((await answer(proposal({ channelId: '', chaincodeName: 'nocc', args: ['f'] }))).message, 'chaincode nocc can only be invoked on a channel');
  });
});
