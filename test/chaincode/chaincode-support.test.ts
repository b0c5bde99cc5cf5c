import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChaincodeError } from '../../src/chaincode/chaincode-error.js';
import { ChaincodeDeploymentSpec, ChaincodeSpec, ChaincodeID } from '../../src/common/protos/peer.js';
import { INPROC_CONTAINER_TYPE } from '../../src/container/inproc/inproc-registry.js';
import { error, success, type Chaincode } from '../../src/shim/chaincode.js';
import type { ChaincodeStub } from '../../src/shim/chaincode-stub.js';
import { input, testStack } from '../helpers/stack.js';
import { commitWrites, testLedger } from '../helpers/test-ledger.js';

/** A chaincode that does what its first argument says. */
const kv: Chaincode = {
  init: () => success('init done'),
  async invoke(stub: ChaincodeStub) {
    const { fcn, params } = stub.getFunctionAndParameters();
    const [key = '', value = ''] = params;
    switch (fcn) {
      case 'get':
        return success(await stub.getState(key));
      case 'put':
        await stub.putState(key, value);
        return success();
      case 'del':
        await stub.deleteState(key);
        return success();
      case 'getput': {
        const old = Buffer.from(await stub.getState(key)).toString();
        await stub.putState(key, `${old}+${value}`);
        return success(old);
      }
      case 'fail':
        return error(`refused: ${key}`);
      case 'throw':
        throw new Error(`exploded on ${key}`);
      case 'hang':
        return new Promise(() => undefined);
      case 'whoami':
        return success(`${stub.getChannelID()}/${stub.getTxID()}`);
      default:
        return error(`unknown function ${fcn}`);
    }
  },
};

function deploymentSpec(name: string, ...args: string[]): InstanceType<typeof ChaincodeDeploymentSpec> {
  const id = new ChaincodeID();
  id.setName(name);
  const spec = new ChaincodeSpec();
  spec.setType(1);
  spec.setChaincodeId(id);
  spec.setInput(input(...args));
  const cds = new ChaincodeDeploymentSpec();
  cds.setChaincodeSpec(spec);
  return cds;
}

describe('ChaincodeSupport', () => {
  test('executeLegacyInit launches the chaincode once and runs Init; a second launchInit returns at once', async () => {
    const stack = testStack({ spec: 'info:chaincode=debug' });
    const ccci = stack.add('kv', kv);
    const resp = await stack.chaincodeSupport.executeLegacyInit(
      { txId: 'tx1', channelId: '' },
      { name: 'kv', version: '1.0' },
      deploymentSpec('kv'),
      INPROC_CONTAINER_TYPE,
    );
    assert.equal(resp.getStatus(), 200);
    assert.equal(Buffer.from(resp.getPayload_asU8()).toString(), 'init done');
    await stack.chaincodeSupport.launchInit(ccci);
    const starts = stack.lines.filter((l) => l.includes('start container: kv:1.0'));
    assert.equal(starts.length, 1);
    assert.ok(stack.handlerRegistry.handler('kv:1.0'), 'handler registered under name:version');
  });

  test('a transaction reads committed state and records its writes in the simulator', async () => {
    const stack = testStack();
    const ccci = stack.add('kv', kv);
    const { ledger } = await testLedger();
    const blockNum = await commitWrites(ledger, 'kv', { a: '1' });
    const sim = await ledger.newTxSimulator('tx-getput');
    const result = await stack.chaincodeSupport.execute(
      { txId: 'tx-getput', channelId: 'testchannel', txSimulator: sim },
      { name: 'kv', version: '1.0' },
      input('getput', 'a', '2'),
      ccci,
    );
    assert.equal(result.response.getStatus(), 200);
    assert.equal(Buffer.from(result.response.getPayload_asU8()).toString(), '1');
    const rw = sim.getTxSimulationResults();
    assert.deepEqual(rw.namespaces.map((n) => n.namespace), ['kv']);
    assert.deepEqual(rw.namespaces[0]?.reads, [{ key: 'a', version: { blockNum, txNum: 0 } }]);
    assert.deepEqual(
      rw.namespaces[0].writes.map((w) => [w.key, Buffer.from(w.value ?? []).toString(), w.isDelete]),
      [['a', '1+2', false]],
    );
    sim.done();
  });

  test('DEL_STATE records a delete; a missing key reads as empty', async () => {
    const stack = testStack();
    const ccci = stack.add('kv', kv);
    const { ledger } = await testLedger();
    const sim = await ledger.newTxSimulator('tx-del');
    const params = { txId: 'tx-del', channelId: 'testchannel', txSimulator: sim };
    const got = await stack.chaincodeSupport.execute(params, { name: 'kv', version: '1.0' }, input('get', 'nothing'), ccci);
    assert.equal(got.response.getPayload_asU8().length, 0);
    const params2 = { ...params, txId: 'tx-del2' };
    await stack.chaincodeSupport.execute(params2, { name: 'kv', version: '1.0' }, input('del', 'gone'), ccci);
    assert.deepEqual(sim.getTxSimulationResults().namespaces[0]?.writes, [{ key: 'gone', value: undefined, isDelete: true }]);
  });

  test('an error Response comes back with its status and message', async () => {
    const stack = testStack();
    const ccci = stack.add('kv', kv);
    const result = await stack.chaincodeSupport.execute({ txId: 't', channelId: '' }, { name: 'kv', version: '1.0' }, input('fail', 'x'), ccci);
    assert.equal(result.response.getStatus(), 500);
    assert.equal(result.response.getMessage(), 'refused: x');
  });

  test('a chaincode that throws fails the transaction with its words, and the next transaction still runs', async () => {
    const stack = testStack();
    const ccci = stack.add('kv', kv);
    const cccid = { name: 'kv', version: '1.0' };
    await assert.rejects(
      stack.chaincodeSupport.execute({ txId: 't1', channelId: '' }, cccid, input('throw', 'purpose'), ccci),
      (err: unknown) =>
        err instanceof ChaincodeError &&
        err.code === 'CHAINCODE_ERROR' &&
        /transaction returned with failure: .*exploded on purpose/.test(err.message),
    );
    const ok = await stack.chaincodeSupport.execute({ txId: 't2', channelId: 'c' }, cccid, input('whoami'), ccci);
    assert.equal(Buffer.from(ok.response.getPayload_asU8()).toString(), 'c/t2');
  });

  test('a duplicate txid in flight on the same channel is refused; on another channel it runs', async () => {
    const stack = testStack({ executeTimeoutMs: 300 });
    const ccci = stack.add('kv', kv);
    const cccid = { name: 'kv', version: '1.0' };
    await stack.chaincodeSupport.launch(ccci);
    const hanging = stack.chaincodeSupport.execute({ txId: 'dup', channelId: 'a' }, cccid, input('hang'), ccci);
    await assert.rejects(
      stack.chaincodeSupport.execute({ txId: 'dup', channelId: 'a' }, cccid, input('whoami'), ccci),
      (err: unknown) => err instanceof ChaincodeError && err.code === 'DUPLICATE_TXID' && err.message === 'txid: dup(a) exists',
    );
    const other = await stack.chaincodeSupport.execute({ txId: 'dup', channelId: 'b' }, cccid, input('whoami'), ccci);
    assert.equal(Buffer.from(other.response.getPayload_asU8()).toString(), 'b/dup');
    await assert.rejects(hanging, /timeout expired while executing transaction/);
  });

  test('a transaction that never completes fails after chaincode.executetimeout', async () => {
    const stack = testStack({ executeTimeoutMs: 100 });
    const ccci = stack.add('kv', kv);
    await assert.rejects(
      stack.chaincodeSupport.execute({ txId: 'slow', channelId: '' }, { name: 'kv', version: '1.0' }, input('hang'), ccci),
      (err: unknown) => err instanceof ChaincodeError && /failed to execute transaction slow: timeout expired while executing transaction/.test(err.message),
    );
  });

  test('state calls without a ledger (the system channel) are answered with an error naming the call', async () => {
    const stack = testStack();
    const ccci = stack.add('kv', kv);
    const result = await stack.chaincodeSupport
      .execute({ txId: 'nl', channelId: '' }, { name: 'kv', version: '1.0' }, input('get', 'k'), ccci)
      .then(
        () => 'resolved',
        (err: unknown) => String(err),
      );
    assert.match(result, /GET_STATE failed: transaction ID: nl: \[nl\] No ledger context for GET_STATE/);
  });

  test('executing a chaincode that is not running, with nothing to launch it from, names it', async () => {
    const stack = testStack();
    await assert.rejects(
      stack.chaincodeSupport.execute({ txId: 'x', channelId: 'ch' }, { name: 'nope', version: '1.0' }, input('f')),
      (err: unknown) => err instanceof ChaincodeError && err.code === 'NO_HANDLER' && err.message.includes('nope:1.0'),
    );
  });

  test('launching a chaincode the in-process VM does not know fails with the reason', async () => {
    const stack = testStack();
    await assert.rejects(
      stack.chaincodeSupport.launch({ name: 'ghost', version: '1.0', path: '', type: 'GOLANG', containerType: INPROC_CONTAINER_TYPE }),
      (err: unknown) =>
        err instanceof ChaincodeError &&
        err.code === 'LAUNCH_FAILED' &&
        err.message === 'could not launch chaincode ghost:1.0: error starting container: ghost not registered',
    );
    assert.equal(stack.handlerRegistry.handler('ghost:1.0'), undefined);
  });

  test('stop ends the chaincode; the next execute launches it again', async () => {
    const stack = testStack();
    const ccci = stack.add('kv', kv);
    const cccid = { name: 'kv', version: '1.0' };
    await stack.chaincodeSupport.execute({ txId: 's1', channelId: '' }, cccid, input('whoami'), ccci);
    await stack.chaincodeSupport.stop(ccci);
    // The handler leaves once the stream has ended.
    for (let i = 0; i < 50 && stack.handlerRegistry.handler('kv:1.0') !== undefined; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(stack.handlerRegistry.handler('kv:1.0'), undefined);
    const again = await stack.chaincodeSupport.execute({ txId: 's2', channelId: 'x' }, cccid, input('whoami'), ccci);
    assert.equal(Buffer.from(again.response.getPayload_asU8()).toString(), 'x/s2');
  });

  test("a chaincode stopped mid-transaction fails it with its container's exit", async () => {
    const stack = testStack();
    const ccci = stack.add('kv', kv);
    const cccid = { name: 'kv', version: '1.0' };
    await stack.chaincodeSupport.launch(ccci);
    const hanging = stack.chaincodeSupport.execute({ txId: 'h1', channelId: 'x' }, cccid, input('hang'), ccci);
    await new Promise((resolve) => setImmediate(resolve));
    await stack.chaincodeSupport.stop(ccci);
    await assert.rejects(hanging, /^ChaincodeError: failed to execute transaction h1: chaincode kv:1.0 ended its stream before completing the transaction: container exited with 0$/);
  });
});
