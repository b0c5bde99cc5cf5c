import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { StatusCode, type ChaincodeEvent, type Contract, type Gateway } from '@hyperledger/fabric-gateway';
import { startTestNetwork, TestNetworkError, type ContractClass, type TestNetwork } from '../../src/testing/index.js';
import { fixtureSource, installedFixture } from '../helpers/chaincode-fixture.js';
import { take } from '../helpers/gateway-client.js';

const CHANNEL = 'mychannel';
const COLLECTION = 'shared';
const text = (bytes: Uint8Array | undefined): string => (bytes === undefined ? '(none)' : Buffer.from(bytes).toString());

interface CounterContext {
  stub: { getState(key: string): Promise<Uint8Array>; putState(key: string, value: Uint8Array): Promise<void> };
}

/** A contract class written in the test itself, on the fixture's fabric-contract-api. */
function counterContract(chaincodeDir: string): ContractClass {
  const { Contract } = createRequire(join(chaincodeDir, 'package.json'))('fabric-contract-api') as { Contract: new (name: string) => object };
  return class Counter extends Contract {
    constructor() {
      super('Counter');
    }

    async Increment(ctx: CounterContext, key: string): Promise<string> {
      const now = Number(Buffer.from(await ctx.stub.getState(key)).toString() || '0') + 1;
      await ctx.stub.putState(key, Buffer.from(String(now)));
      return String(now);
    }
  };
}

describe('startTestNetwork: a peer, its orderer and chaincodes in the test process', () => {
  let network: TestNetwork;
  let gateway: Gateway;
  let assets: Contract;
  let chaincodeDir: string;

  before(async () => {
    // The fixture's dependencies (fabric-contract-api, fabric-shim) installed once per machine; not part of the timing.
    chaincodeDir = await installedFixture('asset-contract');
    network = await startTestNetwork({
      chaincodes: [
        { name: 'assets', path: chaincodeDir, collections: [{ name: COLLECTION, policy: "OR('Org1MSP.member')", requiredPeerCount: 0, maxPeerCount: 3, blockToLive: 0, memberOnlyRead: true }] },
        { name: 'counter', contracts: [counterContract(chaincodeDir)], shimFrom: chaincodeDir },
      ],
    });
    gateway = await network.gateway({ org: 'Org1MSP', user: 'User1' });
    assets = gateway.getNetwork(CHANNEL).getContract('assets');
    assert.equal(text(await assets.evaluateTransaction('GetAllAssets')), '[]');
  });

  after(async () => {
    await network.close();
  });

  test('a submit commits, and getState reads the committed value from the ledger', async () => {
    const result = await assets.submitTransaction('CreateAsset', 'a1', 'alice');
    assert.equal(text(result), '{"id":"a1","owner":"alice"}');
    assert.equal(text(await network.getState('assets', 'a1')), '{"id":"a1","owner":"alice"}');
    assert.equal(text(await network.getState(CHANNEL, 'assets', 'a1')), '{"id":"a1","owner":"alice"}');
    assert.equal(await network.getState('assets', 'never-written'), undefined);
  });

  test('two transactions endorsed against the same read: the second is MVCC_READ_CONFLICT, in its commit status and its block', async () => {
    await assets.submitTransaction('CreateAsset', 'm1', 'alice');
    // Both endorsed before either is submitted: each read m1 at the same version.
    const first = await assets.newProposal('TransferAsset', { arguments: ['m1', 'bob'] }).endorse();
    const second = await assets.newProposal('TransferAsset', { arguments: ['m1', 'carol'] }).endorse();
    const firstStatus = await (await first.submit()).getStatus();
    const secondStatus = await (await second.submit()).getStatus();
    assert.equal(firstStatus.code, StatusCode.VALID);
    assert.equal(secondStatus.code, StatusCode.MVCC_READ_CONFLICT);
    assert.equal(secondStatus.successful, false);

    const codes = await network.validationCodes(secondStatus.blockNumber);
    if (firstStatus.blockNumber === secondStatus.blockNumber) assert.deepEqual(codes, [StatusCode.VALID, StatusCode.MVCC_READ_CONFLICT]);
    else {
      assert.deepEqual(codes, [StatusCode.MVCC_READ_CONFLICT]);
      assert.deepEqual(await network.validationCodes(firstStatus.blockNumber), [StatusCode.VALID]);
    }
    assert.equal(text(await network.getState('assets', 'm1')), '{"id":"m1","owner":"bob"}');
  });

  test('chaincode events arrive through the Gateway chaincode events API', async () => {
    const submitted = await assets.submitAsync('CreateAsset', { arguments: ['e1', 'erin'] });
    const status = await submitted.getStatus();
    const events = await take(await gateway.getNetwork(CHANNEL).getChaincodeEvents('assets', { startBlock: status.blockNumber }), 1);
    assert.deepEqual(
      events.map((e: ChaincodeEvent) => [e.chaincodeName, e.eventName, text(e.payload), e.transactionId, e.blockNumber]),
      [['assets', 'AssetCreated', 'e1', submitted.getTransactionId(), status.blockNumber]],
    );
  });

  test('private data: the value goes in as transient data, the chaincode and the ledger hold it, the block does not', async () => {
    const submitted = await assets.submitAsync('PutPrivate', { arguments: [COLLECTION, 'p1'], transientData: { value: Buffer.from('s3cret') } });
    const status = await submitted.getStatus();
    assert.equal(status.code, StatusCode.VALID);
    assert.equal(text(await assets.evaluateTransaction('GetPrivate', COLLECTION, 'p1')), 's3cret');
    assert.equal(text(await network.getPrivateData('assets', COLLECTION, 'p1')), 's3cret');
    assert.equal(await network.getState('assets', 'p1'), undefined);
  });

  test('a contract class passed directly runs as a chaincode of its own', async () => {
    const counter = gateway.getNetwork(CHANNEL).getContract('counter');
    assert.equal(text(await counter.submitTransaction('Increment', 'c')), '1');
    assert.equal(text(await counter.submitTransaction('Increment', 'c')), '2');
    assert.equal(text(await network.getState('counter', 'c')), '2');
  });

  test('one Gateway per identity: Admin and User1..User2 are made at start, other users on request, other organisations are refused', async () => {
    const user2 = await network.gateway({ user: 'User2' });
    assert.equal(await network.gateway({ user: 'User2' }), user2);
    const who = text(await user2.getNetwork(CHANNEL).getContract('assets').evaluateTransaction('WhoAmI'));
    assert.match(who, /^Org1MSP .*CN=User2@org1\.example\.com/);
    const admin = text(await (await network.gateway({ user: 'Admin' })).getNetwork(CHANNEL).getContract('assets').evaluateTransaction('WhoAmI'));
    assert.match(admin, /CN=Admin@org1\.example\.com/);
    await assert.rejects(network.gateway({ org: 'Org2MSP' }), (err) => err instanceof TestNetworkError && err.code === 'UNKNOWN_IDENTITY');
    // A user the crypto did not make is issued by Org1MSP's CA when first asked for, and the peer takes it as a client of Org1MSP.
    const alice = await network.gateway({ org: 'Org1MSP', user: 'Alice' });
    const aliceAssets = alice.getNetwork(CHANNEL).getContract('assets');
    assert.match(text(await aliceAssets.evaluateTransaction('WhoAmI')), /^Org1MSP .*CN=Alice@org1\.example\.com/);
    assert.equal(text(await aliceAssets.submitTransaction('CreateAsset', 'alice1', 'alice')), '{"id":"alice1","owner":"alice"}');
    assert.match((await network.identity({ user: 'Alice' })).credentials.toString(), /BEGIN CERTIFICATE/);
    await assert.rejects(network.gateway({ user: '../Admin' }), (err) => err instanceof TestNetworkError && err.code === 'UNKNOWN_IDENTITY');
  });

  test('a block the ledger does not hold is NO_SUCH_BLOCK; an unknown channel is UNKNOWN_CHANNEL', async () => {
    await assert.rejects(network.validationCodes(10_000), (err) => err instanceof TestNetworkError && err.code === 'NO_SUCH_BLOCK');
    await assert.rejects(network.getState('nochannel', 'assets', 'a1'), (err) => err instanceof TestNetworkError && err.code === 'UNKNOWN_CHANNEL');
  });

  test('a chaincode that cannot run is BAD_CHAINCODE: no fabric-shim where its folder resolves packages, a policy that does not parse', async () => {
    const badChaincode = (pattern: RegExp) => (err: unknown) => err instanceof TestNetworkError && err.code === 'BAD_CHAINCODE' && pattern.test(err.message);
    await assert.rejects(network.deploy({ name: 'nodeps', path: fixtureSource('asset-contract') }), badChaincode(/fabric-shim cannot be found/));
    await assert.rejects(network.deploy({ name: 'badpolicy', path: chaincodeDir, endorsementPolicy: 'NOT A POLICY' }), badChaincode(/badpolicy/));
  });

  test("a chaincode folder deployed with run: 'process' runs as the peer's child process", { timeout: 300_000 }, async () => {
    await network.deploy({ name: 'assetsproc', path: fixtureSource('asset-contract'), run: 'process' });
    const contract = gateway.getNetwork(CHANNEL).getContract('assetsproc');
    await contract.submitTransaction('CreateAsset', 'x1', 'xavier');
    assert.equal(text(await network.getState('assetsproc', 'x1')), '{"id":"x1","owner":"xavier"}');
    assert.equal(text(await contract.evaluateTransaction('PeerMsp')), 'Org1MSP');
  });
});

test('close() stops the network and removes its temporary folder; the network refuses calls afterwards', async () => {
  const network = await startTestNetwork({ channels: ['one', 'two'] });
  assert.deepEqual(network.channels, ['one', 'two']);
  // Block 0, the genesis block, holds one transaction: the channel's config.
  assert.deepEqual(await network.validationCodes(0, 'two'), [StatusCode.VALID]);
  const dir = network.dir;
  await network.close();
  await assert.rejects(access(dir));
  await assert.rejects(network.gateway(), (err) => err instanceof TestNetworkError && err.code === 'CLOSED');
  await network.close();
});
