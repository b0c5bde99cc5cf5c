import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import peerGrpc from '@hyperledger/fabric-protos/lib/peer/peer_grpc_pb.js';
import shimGrpc from '@hyperledger/fabric-protos/lib/peer/chaincode_shim_grpc_pb.js';
import { ChaincodeMessage, MessageTypes as T } from '../../src/common/protos/peer.js';
import { SignedProposal, type ProposalResponse } from '../../src/common/protos/proposal.js';
import { runWeft, startPeerProcess } from '../helpers/weft-process.js';

// Fabric's peer.maxRecvMsgSize / peer.maxSendMsgSize, on the peer's real gRPC servers: a message
// over the limit is refused by gRPC itself with RESOURCE_EXHAUSTED, and the peer goes on serving.

const LIMIT = 8192;

function processProposal(address: string, signed: SignedProposal): Promise<ProposalResponse> {
  const client = new peerGrpc.EndorserClient(address, credentials.createInsecure());
  return new Promise<ProposalResponse>((resolve, reject) => {
    client.processProposal(signed, (err: ServiceError | null, res?: ProposalResponse) => {
      client.close();
      if (err !== null) reject(err);
      else if (res === undefined) reject(new Error('no response'));
      else resolve(res);
    });
  });
}

function isResourceExhausted(err: unknown): boolean {
  assert.ok(err instanceof Error && 'code' in err, String(err));
  assert.equal(err.code, status.RESOURCE_EXHAUSTED, err.message);
  return true;
}

describe('gRPC message limits on the peer', () => {
  test('a proposal over peer.maxRecvMsgSize is RESOURCE_EXHAUSTED; the peer goes on answering', async () => {
    const { peer, client } = await startPeerProcess(['--join', 'ch'], { CORE_PEER_MAXRECVMSGSIZE: String(LIMIT) });
    const address = client.CORE_PEER_ADDRESS ?? '';
    const big = new SignedProposal();
    big.setProposalBytes(new Uint8Array(LIMIT + 1));
    await assert.rejects(processProposal(address, big), isResourceExhausted);

    // Under the limit, the same garbage reaches the endorser, which answers it with an error response.
    const small = new SignedProposal();
    small.setProposalBytes(new Uint8Array(16).fill(0xff));
    const reply = await processProposal(address, small);
    assert.equal(reply.getResponse()?.getStatus(), 500);

    const info = await runWeft(['channel', 'getinfo', '-c', 'ch'], client);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /Blockchain info: \{"height":1,/);
    assert.equal(await peer.stop(), 0);
  });

  test('a chaincode message over peer.maxRecvMsgSize ends that stream with RESOURCE_EXHAUSTED; the peer goes on', async () => {
    // A plaintext chaincode listener (chaincode.launchTls off): the limit applies before any chaincode check.
    const { peer, client, chaincodeAddress } = await startPeerProcess(['--join', 'ch'], { CORE_PEER_MAXRECVMSGSIZE: String(LIMIT), CORE_CHAINCODE_LAUNCHTLS: 'false' });
    const cc = new shimGrpc.ChaincodeSupportClient(chaincodeAddress, credentials.createInsecure());
    const stream = cc.register();
    const ended = new Promise<unknown>((resolve) => {
      stream.on('error', resolve);
      stream.on('data', () => undefined);
    });
    const msg = new ChaincodeMessage();
    msg.setType(T.REGISTER);
    msg.setPayload(new Uint8Array(LIMIT + 1));
    stream.write(msg);
    isResourceExhausted(await ended);
    cc.close();

    const info = await runWeft(['channel', 'getinfo', '-c', 'ch'], client);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(await peer.stop(), 0);
  });

  test('an answer over peer.maxSendMsgSize is RESOURCE_EXHAUSTED for that call; smaller answers still go', async () => {
    // The genesis block, with the organisations' certificates, is larger than the limit.
    const { peer, client } = await startPeerProcess(['--join', 'ch'], { CORE_PEER_MAXSENDMSGSIZE: String(LIMIT) });
    const block = await runWeft(['chaincode', 'query', '-C', 'ch', '-n', 'qscc', '-c', '{"Args":["GetBlockByNumber","ch","0"]}'], client);
    assert.equal(block.code, 1);
    assert.match(block.stderr, /RESOURCE_EXHAUSTED/);
    assert.ok(!/^\s+at /m.test(block.stderr), block.stderr);

    const info = await runWeft(['channel', 'getinfo', '-c', 'ch'], client);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(await peer.stop(), 0);
  });
});
