import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import commonPb from '@hyperledger/fabric-protos/lib/common/common_pb.js';
import gatewayGrpc from '@hyperledger/fabric-protos/lib/gateway/gateway_grpc_pb.js';
import gatewayPb from '@hyperledger/fabric-protos/lib/gateway/gateway_pb.js';
import { checkpointers, CommitError, EndorseError, GatewayError, StatusCode, type ChaincodeEvent, type Contract, type Network } from '@hyperledger/fabric-gateway';
import { generateCrypto } from '../../src/msp/cryptogen/index.js';
import { defaultCryptoDir, defaultUserIdentity } from '../../src/msp/default-identities.js';
import { fixtureSource } from '../helpers/chaincode-fixture.js';
import { connectGateway, take, type GatewayConnection } from '../helpers/gateway-client.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';

const CHANNEL = 'mychannel';
const COLLECTIONS = [{ name: 'shared', policy: "OR('Org1MSP.member')", requiredPeerCount: 0, maxPeerCount: 3, blockToLive: 0, memberOnlyRead: true }];
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString();
// gRPC status codes, as the client reports them.
const ABORTED = 10;
const PERMISSION_DENIED = 7;

/** A validator for assert.rejects: the contract's "asset ... does not exist", in the error's details. */
function doesNotExist(id: string): (err: unknown) => boolean {
  return (err) => err instanceof GatewayError && err.details.some((d) => d.message.includes(`asset ${id} does not exist`));
}

/** The one item of a list, failing the test when there is none. */
function only<T>(items: readonly T[]): T {
  const [item] = items;
  if (item === undefined || items.length !== 1) throw new assert.AssertionError({ message: `expected one item, got ${items.length}` });
  return item;
}

describe('the Gateway service, used by the unmodified @hyperledger/fabric-gateway client', () => {
  let peer: WeftProcess;
  let address: string;
  let user1: GatewayConnection;
  let network: Network;
  let contract: Contract;

  before(async () => {
    let client: NodeJS.ProcessEnv;
    ({ peer, client } = await startPeerProcess(['--join', CHANNEL, '--application-capability', 'V1_4_2']));
    address = client.CORE_PEER_ADDRESS ?? '';
    const dir = await tempDir('weft-gateway-');
    await writeFile(join(dir, 'collections.json'), JSON.stringify(COLLECTIONS));
    const install = await runWeft(['chaincode', 'install', fixtureSource('asset-contract'), '-n', 'assets', '-v', '1.0', '-l', 'node'], client);
    assert.equal(install.code, 0, install.stderr);
    const inst = await runWeft(['chaincode', 'instantiate', '-C', CHANNEL, '-n', 'assets', '-v', '1.0', '-c', '{"Args":[]}', '--collections-config', join(dir, 'collections.json')], client);
    assert.equal(inst.code, 0, inst.stderr);
    const cryptoDir = defaultCryptoDir(client.CORE_PEER_FILESYSTEMPATH ?? '');
    user1 = await connectGateway({ address, mspId: 'Org1MSP', mspDir: defaultUserIdentity(cryptoDir, 'User1').mspDir });
    network = user1.gateway.getNetwork(CHANNEL);
    contract = network.getContract('assets');
  });

  after(async () => {
    user1.close();
    await peer.stop();
  });

  test('submitTransaction commits and returns the result; evaluateTransaction reads it back', async () => {
    const created = await contract.submitTransaction('CreateAsset', 'g1', 'alice');
    assert.equal(text(created), '{"id":"g1","owner":"alice"}');
    assert.equal(text(await contract.evaluateTransaction('ReadAsset', 'g1')), '{"id":"g1","owner":"alice"}');
    assert.equal(text(await contract.evaluateTransaction('WhoAmI')).split(' ')[0], 'Org1MSP');
  });

  test('submitAsync gives the result at once; getStatus waits for the commit: VALID, in its block', async () => {
    const submitted = await contract.submitAsync('CreateAsset', { arguments: ['g2', 'bob'] });
    assert.equal(text(submitted.getResult()), '{"id":"g2","owner":"bob"}');
    const status = await submitted.getStatus();
    assert.equal(status.successful, true);
    assert.equal(status.code, StatusCode.VALID);
    assert.equal(status.transactionId, submitted.getTransactionId());
    assert.ok(status.blockNumber > 1n, `block ${status.blockNumber}`);
    // Asked again once committed, the answer comes from the ledger.
    assert.deepEqual(await submitted.getStatus(), status);
  });

  test('transient data reaches the chaincode and is kept as private data, never in the block', async () => {
    const submitted = await contract.submitAsync('PutPrivate', { arguments: ['shared', 'secret1'], transientData: { value: Buffer.from('s3cret') } });
    const status = await submitted.getStatus();
    assert.equal(status.code, StatusCode.VALID);
    assert.equal(text(await contract.evaluateTransaction('GetPrivate', 'shared', 'secret1')), 's3cret');
    const [block] = await take(await network.getBlockEvents({ startBlock: status.blockNumber }), 1);
    assert.ok(block !== undefined && !Buffer.from(block.serializeBinary()).includes('s3cret'), 'the value is not in the block');
  });

  test('chaincode events replay from a start block, and after a checkpointed transaction', async () => {
    const first = await contract.submitAsync('CreateAsset', { arguments: ['e1', 'erin'] });
    const firstStatus = await first.getStatus();
    const second = await contract.submitAsync('CreateAsset', { arguments: ['e2', 'eve'] });
    await second.getStatus();

    const fromBlock = await take(await network.getChaincodeEvents('assets', { startBlock: firstStatus.blockNumber }), 2);
    assert.deepEqual(
      fromBlock.map((e: ChaincodeEvent) => [e.eventName, text(e.payload), e.transactionId, e.chaincodeName]),
      [
        ['AssetCreated', 'e1', first.getTransactionId(), 'assets'],
        ['AssetCreated', 'e2', second.getTransactionId(), 'assets'],
      ],
    );
    assert.equal(fromBlock[0]?.blockNumber, firstStatus.blockNumber);
    // A checkpoint taken at the first event: the stream resumes after its transaction.
    const checkpointer = checkpointers.inMemory();
    await checkpointer.checkpointChaincodeEvent(only(fromBlock.slice(0, 1)));
    const afterFirst = await take(await network.getChaincodeEvents('assets', { checkpoint: checkpointer }), 1);
    assert.equal(afterFirst[0]?.transactionId, second.getTransactionId());

    // From the next commit on: only what is committed after the stream opened.
    const live = await network.getChaincodeEvents('assets');
    const third = await contract.submitAsync('CreateAsset', { arguments: ['e3', 'ed'] });
    const [next] = await take(live, 1);
    assert.equal(next?.transactionId, third.getTransactionId());
    // Events of another chaincode name are not sent.
    const none = await network.getChaincodeEvents('other', { startBlock: 0n });
    const raced = await Promise.race([take(none, 1), new Promise((resolve) => setTimeout(() => resolve('none'), 300))]);
    none.close();
    assert.equal(raced, 'none');
  });

  test('block, filtered block and block-with-private-data events come from the peer\'s Deliver service', async () => {
    const submitted = await contract.submitAsync('CreateAsset', { arguments: ['b1', 'bo'] });
    const { blockNumber } = await submitted.getStatus();
    const genesis = only(await take(await network.getBlockEvents({ startBlock: 0n }), 1));
    assert.equal(genesis.getHeader()?.getNumber(), 0);
    const filtered = only(await take(await network.getFilteredBlockEvents({ startBlock: blockNumber }), 1));
    assert.equal(filtered.getNumber(), Number(blockNumber));
    assert.ok(filtered.getFilteredTransactionsList().some((tx) => tx.getTxid() === submitted.getTransactionId()));
    const withPrivate = only(await take(await network.getBlockAndPrivateDataEvents({ startBlock: blockNumber }), 1));
    assert.equal(withPrivate.getBlock()?.getHeader()?.getNumber(), Number(blockNumber));
  });

  test("a chaincode's error is the client's EndorseError, ABORTED, with the peer's ErrorDetail", async () => {
    await assert.rejects(contract.submitTransaction('ReadAsset', 'nope'), (err: unknown) => {
      assert.ok(err instanceof EndorseError, String(err));
      assert.equal(err.code, ABORTED);
      assert.match(err.message, /failed to endorse transaction, see attached details for more info/);
      const detail = only(err.details);
      assert.equal(detail.mspId, 'Org1MSP');
      assert.match(detail.message, /asset nope does not exist/);
      assert.notEqual(detail.address, '');
      return true;
    });
    await assert.rejects(contract.evaluateTransaction('ReadAsset', 'nope'), (err: unknown) => {
      assert.ok(err instanceof GatewayError, String(err));
      assert.equal(err.code, ABORTED);
      assert.match(err.details.map((d) => d.message).join(), /asset nope does not exist/);
      return true;
    });
  });

  test('an MVCC conflict is the client\'s CommitError with MVCC_READ_CONFLICT', async () => {
    await contract.submitTransaction('CreateAsset', 'm1', 'mo');
    // Both endorsed against the same state; the second to commit conflicts.
    const one = await contract.newProposal('TransferAsset', { arguments: ['m1', 'x'] }).endorse();
    const two = await contract.newProposal('TransferAsset', { arguments: ['m1', 'y'] }).endorse();
    assert.equal((await (await one.submit()).getStatus()).code, StatusCode.VALID);
    const status = await (await two.submit()).getStatus();
    assert.equal(status.code, StatusCode.MVCC_READ_CONFLICT);
    assert.equal(status.successful, false);

    // Through submitTransaction, concurrent transfers of one asset: one commits, the others fail with CommitError.
    const results = await Promise.allSettled(['p', 'q', 'r', 's'].map((owner) => contract.submitTransaction('TransferAsset', 'm1', owner)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(results.length - failed.length, 1, 'one of the concurrent transfers commits');
    for (const { reason } of failed) {
      assert.ok(reason instanceof CommitError, String(reason));
      assert.equal(reason.code, StatusCode.MVCC_READ_CONFLICT);
      assert.match(reason.message, /MVCC_READ_CONFLICT/);
    }
  });

  test('an identity of an organisation not on the channel is refused: endorsement, commit status, events', async () => {
    const crypto = join(await tempDir('weft-org3-'), 'crypto');
    await generateCrypto({ ordererOrgs: [], peerOrgs: [{ name: 'Org3', domain: 'org3.example.com', enableNodeOUs: true, template: { count: 1 }, users: { count: 1 } }] }, crypto);
    const stranger = await connectGateway({ address, mspId: 'Org3MSP', mspDir: join(crypto, 'peerOrganizations/org3.example.com/users/User1@org3.example.com/msp') });
    try {
      const theirs = stranger.gateway.getNetwork(CHANNEL);
      await assert.rejects(theirs.getContract('assets').submitTransaction('CreateAsset', 'x1', 'mallory'), (err: unknown) => {
        assert.ok(err instanceof EndorseError, String(err));
        assert.match(err.details.map((d) => d.message).join(), /access denied|creator/i);
        return true;
      });
      await assert.rejects(theirs.getContract('assets').evaluateTransaction('ReadAsset', 'g1'), GatewayError);
      // User1's transaction, signed by User1, submitted through the stranger's connection: the
      // orderer takes it, but the stranger may not ask for its commit status.
      const endorsed = await contract.newProposal('CreateAsset', { arguments: ['x2', 'ok'] }).endorse();
      const submitted = await stranger.gateway.newSignedTransaction(endorsed.getBytes(), await user1.signer(endorsed.getDigest())).submit();
      await assert.rejects(submitted.getStatus(), (err: unknown) => {
        assert.ok(err instanceof GatewayError, String(err));
        assert.equal(err.code, PERMISSION_DENIED);
        return true;
      });
      const events = await theirs.getChaincodeEvents('assets', { startBlock: 0n });
      await assert.rejects(take(events, 1), (err: unknown) => {
        assert.ok(err instanceof GatewayError, String(err));
        assert.equal(err.code, PERMISSION_DENIED);
        return true;
      });
    } finally {
      stranger.close();
    }
    // Nothing the stranger asked for was written; the peer goes on serving.
    await assert.rejects(contract.evaluateTransaction('ReadAsset', 'x1'), doesNotExist('x1'));
    assert.equal(text(await contract.evaluateTransaction('ReadAsset', 'g1')), '{"id":"g1","owner":"alice"}');
  });

  test('malformed requests are INVALID_ARGUMENT, an unknown channel NOT_FOUND, a transaction the orderer refuses ABORTED', async () => {
    const raw = new gatewayGrpc.GatewayClient(address, grpc.credentials.createInsecure());
    try {
      type Callback = (err: grpc.ServiceError | null) => void;
      /** The error a unary call fails with. */
      const call = (start: (callback: Callback) => unknown): Promise<grpc.ServiceError> =>
        new Promise((resolve, reject) => {
          start((err) => (err === null ? reject(new Error('the call succeeded')) : resolve(err)));
        });
      const noProposal = await call((cb) => raw.evaluate(new gatewayPb.EvaluateRequest(), cb));
      assert.deepEqual([noProposal.code, noProposal.details], [grpc.status.INVALID_ARGUMENT, 'failed to unpack transaction proposal: a signed proposal is required']);
      const unsigned = new gatewayPb.SubmitRequest();
      unsigned.setChannelId(CHANNEL);
      unsigned.setPreparedTransaction(new commonPb.Envelope());
      const notSigned = await call((cb) => raw.submit(unsigned, cb));
      assert.deepEqual([notSigned.code, notSigned.details], [grpc.status.INVALID_ARGUMENT, 'prepared transaction must be signed']);
      const noRequest = await call((cb) => raw.commitStatus(new gatewayPb.SignedCommitStatusRequest(), cb));
      assert.deepEqual([noRequest.code, noRequest.details], [grpc.status.INVALID_ARGUMENT, 'a commit status request is required']);
      const garbage = new gatewayPb.SignedCommitStatusRequest();
      garbage.setRequest(Buffer.from([0xff, 0xff, 0xff]));
      assert.equal((await call((cb) => raw.commitStatus(garbage, cb))).code, grpc.status.INVALID_ARGUMENT);
    } finally {
      raw.close();
    }

    await assert.rejects(user1.gateway.getNetwork('nochannel').getContract('assets').evaluateTransaction('ReadAsset', 'g1'), (err: unknown) => {
      assert.ok(err instanceof GatewayError, String(err));
      assert.equal(err.code, grpc.status.NOT_FOUND);
      assert.match(err.message, /channel not found: nochannel/);
      return true;
    });

    // User1's endorsed transaction with a signature that is not User1's: the orderer refuses it (FORBIDDEN).
    const endorsed = await contract.newProposal('CreateAsset', { arguments: ['forged', 'x'] }).endorse();
    const forged = user1.gateway.newSignedTransaction(endorsed.getBytes(), Buffer.alloc(70, 1));
    await assert.rejects(forged.submit(), (err: unknown) => {
      assert.ok(err instanceof GatewayError && err.name === 'SubmitError', String(err));
      assert.equal(err.code, grpc.status.ABORTED);
      assert.match(err.message, /received unsuccessful response from orderer: status=FORBIDDEN/);
      return true;
    });
    // Nothing of it was committed.
    await contract.submitTransaction('CreateAsset', 'after-forged', 'x');
    await assert.rejects(contract.evaluateTransaction('ReadAsset', 'forged'), doesNotExist('forged'));
  });
});
