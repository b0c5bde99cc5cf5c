import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChaincodeSupportInvoker } from '../../src/chaincode/chaincode-support-invoker.js';
import { newMessage, parseChaincodeName } from '../../src/chaincode/handler.js';
import { createInProcStreamPair } from '../../src/comm/in-proc-stream.js';
import { ChaincodeID, ChaincodeMessage, ChaincodeSpec, MessageTypes as T, Response } from '../../src/common/protos/peer.js';
import type { PeerLedger } from '../../src/ledger/index.js';
import { error, success, type Chaincode } from '../../src/shim/chaincode.js';
import { errorText, readyHandler, responsePayload, startTx, type ExtraHandlerOptions } from '../helpers/handler-session.js';
import { FakeChaincodeEnd } from '../helpers/fake-chaincode-end.js';
import { input, testStack } from '../helpers/stack.js';
import { commitWrites, testLedger } from '../helpers/test-ledger.js';

/** The callee: reads or writes one key of its own namespace. */
const callee: Chaincode = {
  init: () => success(),
  async invoke(stub) {
    const [fn = '', key = '', value = ''] = stub.getStringArgs();
    if (fn === 'read') return success(await stub.getState(key));
    if (fn === 'write') {
      await stub.putState(key, value);
      return success(`wrote ${key} on ${stub.getChannelID()}`);
    }
    return error(`unknown function ${fn}`);
  },
};

function invokeRequest(name: string, ...args: string[]): Uint8Array {
  const id = new ChaincodeID();
  id.setName(name);
  const spec = new ChaincodeSpec();
  spec.setChaincodeId(id);
  spec.setInput(input(...args));
  return spec.serializeBinary();
}

/** The callee's message as the calling chaincode's shim unwraps it from the RESPONSE. */
function calleeMessage(reply: ChaincodeMessage): { type: string; status?: number; payload?: string; text?: string } {
  const inner = ChaincodeMessage.deserializeBinary(responsePayload(reply));
  if (inner.getType() === T.COMPLETED) {
    const res = Response.deserializeBinary(inner.getPayload_asU8());
    return { type: 'COMPLETED', status: res.getStatus(), payload: Buffer.from(res.getPayload_asU8()).toString() };
  }
  return { type: inner.getType() === T.ERROR ? 'ERROR' : String(inner.getType()), text: Buffer.from(inner.getPayload_asU8()).toString() };
}

/** Two channels' ledgers, the callee running in a real chaincode stack, and a caller's handler with the invoker. */
async function setUp(extra: ExtraHandlerOptions = {}, refusedChannel?: string) {
  const { ledger } = await testLedger('testchannel');
  const { ledger: other } = await testLedger('otherchannel');
  const ledgers = new Map<string, PeerLedger>([
    [ledger.channelId, ledger],
    [other.channelId, other],
  ]);
  const stack = testStack();
  await stack.chaincodeSupport.launch(stack.add('callee', callee));
  const invoker = new ChaincodeSupportInvoker({
    support: stack.chaincodeSupport,
    ledgers: { getLedger: (id) => ledgers.get(id) },
    version: () => '1.0',
    // The ACL of peer/ChaincodeToChaincode: one channel's Writers refuse the caller.
    checkCallAccess: (target) => {
      if (target.channelId === refusedChannel) throw new Error(`Failed evaluating policy on signed data during check policy on channel [${target.channelId}] with policy [/Channel/Application/Writers]`);
    },
  });
  const session = await readyHandler({ invoker, ...extra });
  return { ledger, other, session };
}

describe('Handler: INVOKE_CHAINCODE', () => {
  test('on the same channel the callee runs in the caller\'s simulator: its reads and writes are in the caller\'s read-write set', async () => {
    const { ledger, session } = await setUp();
    await commitWrites(ledger, 'callee', { k: 'committed' });
    const sim = await ledger.newTxSimulator('tx1');
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: sim });
    const wrote = calleeMessage(await tx.call(T.INVOKE_CHAINCODE, invokeRequest('callee', 'write', 'k2', 'v2')));
    assert.deepEqual(wrote, { type: 'COMPLETED', status: 200, payload: 'wrote k2 on testchannel' });
    // name:version is accepted; the version is not used.
    const read = calleeMessage(await tx.call(T.INVOKE_CHAINCODE, invokeRequest('callee:1.0', 'read', 'k')));
    assert.deepEqual(read, { type: 'COMPLETED', status: 200, payload: 'committed' });
    await tx.complete();
    const ns = sim.getTxSimulationResults().namespaces.find((n) => n.namespace === 'callee');
    assert.deepEqual(ns?.writes.map((w) => [w.key, Buffer.from(w.value ?? []).toString()]), [['k2', 'v2']]);
    assert.deepEqual(ns.reads.map((r) => r.key), ['k']);
  });

  test('on another channel (name/channel) the callee reads that channel\'s state, its writes are refused, and the caller\'s set is untouched', async () => {
    const { ledger, other, session } = await setUp();
    await commitWrites(other, 'callee', { k: 'there' });
    await commitWrites(ledger, 'callee', { k: 'here' });
    const sim = await ledger.newTxSimulator('tx1');
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: sim });
    const read = calleeMessage(await tx.call(T.INVOKE_CHAINCODE, invokeRequest('callee/otherchannel', 'read', 'k')));
    assert.deepEqual(read, { type: 'COMPLETED', status: 200, payload: 'there' });
    const wrote = calleeMessage(await tx.call(T.INVOKE_CHAINCODE, invokeRequest('callee:1.0/otherchannel', 'write', 'k2', 'v2')));
    assert.equal(wrote.type, 'ERROR');
    assert.match(
      wrote.text ?? '',
      /PUT_STATE failed: transaction ID: tx1: PUT_STATE is not allowed: chaincode callee runs read-only on channel otherchannel/,
    );
    await tx.complete();
    assert.equal(sim.getTxSimulationResults().namespaces.find((n) => n.namespace === 'callee'), undefined);
  });

  test("a callee on a channel whose ACL refuses the caller's proposal is not run: the ERROR names the refusal", async () => {
    const { ledger, other, session } = await setUp({}, 'otherchannel');
    await commitWrites(other, 'callee', { k: 'secret' });
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    const text = errorText(await tx.call(T.INVOKE_CHAINCODE, invokeRequest('callee/otherchannel', 'read', 'k')));
    assert.match(text, /^INVOKE_CHAINCODE failed: transaction ID: tx1: access denied for chaincode callee on channel otherchannel: Failed evaluating policy/);
    assert.doesNotMatch(text, /secret/);
    await tx.complete();
  });

  test('a channel this peer does not have is named in an ERROR', async () => {
    const { ledger, session } = await setUp();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    assert.equal(
      errorText(await tx.call(T.INVOKE_CHAINCODE, invokeRequest('callee/nochannel', 'read', 'k'))),
      'INVOKE_CHAINCODE failed: transaction ID: tx1: failed to find ledger for channel: nochannel',
    );
    await tx.complete();
  });

  test('a system chaincode not invokable cc2cc is refused', async () => {
    const { ledger, session } = await setUp({
      systemChaincodes: { cc2ccRefusal: (name) => (name === 'cscc' ? 'system chaincode cscc cannot be invoked with a cc2cc invocation' : undefined) },
    });
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    assert.equal(
      errorText(await tx.call(T.INVOKE_CHAINCODE, invokeRequest('cscc', 'GetChannels'))),
      'INVOKE_CHAINCODE failed: transaction ID: tx1: system chaincode cscc cannot be invoked with a cc2cc invocation',
    );
    await tx.complete();
  });

  test('a handler without an invoker refuses cc2cc as not available', async () => {
    const { ledger } = await testLedger();
    const session = await readyHandler();
    const tx = await startTx(session, { txId: 'tx1', channelId: ledger.channelId, txSimulator: await ledger.newTxSimulator('tx1') });
    assert.equal(
      errorText(await tx.call(T.INVOKE_CHAINCODE, invokeRequest('callee', 'read', 'k'))),
      'INVOKE_CHAINCODE failed: transaction ID: tx1: chaincode to chaincode invocation is not available',
    );
    await tx.complete();
  });

  test('ChaincodeSupport gives its handlers the invoker attached at the time of the call', async () => {
    const { ledger } = await testLedger();
    const stack = testStack({ dev: true });
    const pair = createInProcStreamPair();
    void stack.chaincodeSupport.handleChaincodeStream(pair.peer);
    const cc = new FakeChaincodeEnd(pair.chaincode);
    await cc.register('rawcc:1.0');
    await cc.next(); // REGISTERED
    await cc.next(); // READY
    const sim = await ledger.newTxSimulator('tx1');
    const running = stack.chaincodeSupport.invoke({ txId: 'tx1', channelId: ledger.channelId, txSimulator: sim }, { name: 'rawcc', version: '1.0' }, input('go'));
    assert.equal((await cc.next()).type, 'TRANSACTION');
    const ask = () => cc.send(T.INVOKE_CHAINCODE, { payload: invokeRequest('callee', 'read', 'k'), txId: 'tx1', channelId: ledger.channelId });
    await ask();
    assert.equal((await cc.next()).text, 'INVOKE_CHAINCODE failed: transaction ID: tx1: chaincode to chaincode invocation is not available');
    const calls: string[] = [];
    stack.chaincodeSupport.attachInvoker({
      async invoke(target, _input, callerTx) {
        calls.push(`${target.name}@${target.channelId} from ${callerTx.txId}@${callerTx.channelId}`);
        return newMessage(T.COMPLETED, new Response().serializeBinary(), callerTx.txId, target.channelId);
      },
    });
    await ask();
    assert.equal(ChaincodeMessage.deserializeBinary(responsePayload((await cc.next()).msg)).getType(), T.COMPLETED);
    assert.deepEqual(calls, ['callee@testchannel from tx1@testchannel']);
    await cc.send(T.COMPLETED, { txId: 'tx1', channelId: ledger.channelId });
    assert.equal((await running).getType(), T.COMPLETED);
  });

  test('chaincode names parse as Fabric parses them: name[:version][/channel]', () => {
    assert.deepEqual(parseChaincodeName('mycc'), { name: 'mycc', version: '', channelId: '' });
    assert.deepEqual(parseChaincodeName('mycc:2.0'), { name: 'mycc', version: '2.0', channelId: '' });
    assert.deepEqual(parseChaincodeName('mycc/ch2'), { name: 'mycc', version: '', channelId: 'ch2' });
    assert.deepEqual(parseChaincodeName('mycc:2.0/ch2'), { name: 'mycc', version: '2.0', channelId: 'ch2' });
  });
});
