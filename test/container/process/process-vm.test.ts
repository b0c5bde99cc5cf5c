import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChaincodeError } from '../../../src/chaincode/chaincode-error.js';
import { ChaincodeDeploymentSpec, ChaincodeID, ChaincodeSpec } from '../../../src/common/protos/peer.js';
import { PROCESS_CONTAINER_TYPE } from '../../../src/container/process/process-vm-provider.js';
import { input } from '../../helpers/stack.js';
import { isAlive } from '../../helpers/is-alive.js';
import { commitWrites, testLedger } from '../../helpers/test-ledger.js';
import { processStack } from './process-stack.js';
import { logLine } from '../vm-assertions.js';

const CC = { name: 'counter', version: '1.0' };
const NODE = 2;

function deploymentSpec(...args: string[]): InstanceType<typeof ChaincodeDeploymentSpec> {
  const id = new ChaincodeID();
  id.setName(CC.name);
  id.setPath(CC.name);
  const spec = new ChaincodeSpec();
  spec.setType(NODE);
  spec.setChaincodeId(id);
  spec.setInput(input(...args));
  const cds = new ChaincodeDeploymentSpec();
  cds.setChaincodeSpec(spec);
  return cds;
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString();

// One stack and one chaincode process for the whole file, as a peer would keep them: each test
// goes on from where the one before left off.
describe('ProcessVMProvider with a fabric-shim chaincode', async () => {
  const stack = await processStack({ spec: 'info:chaincode=debug:processvm=debug' });
  const ccci = stack.ccci(CC.name);
  const { ledger } = await testLedger();

  test('launch builds the package, starts it, and it registers over gRPC and is ready', async () => {
    const handler = await stack.chaincodeSupport.launch(ccci);
    assert.equal(handler.chaincodeName, 'counter:1.0');
    assert.equal(handler.state, 'ready');
    assert.ok(stack.lines.some((l) => /Got REGISTER for chaincodeID = name:"counter:1.0"/.test(l)));
    assert.ok(stack.lines.some((l) => /Changed to state ready for chaincode name:"counter:1.0"/.test(l)));
    assert.ok(stack.provider.pid(CC) !== undefined);
  });

  test('Init and Invoke read and write through the transaction simulator', async () => {
    const initSim = await ledger.newTxSimulator('tx-init');
    const init = await stack.chaincodeSupport.executeLegacyInit(
      { txId: 'tx-init', channelId: ledger.channelId, txSimulator: initSim },
      CC,
      deploymentSpec('init', '5'),
      PROCESS_CONTAINER_TYPE,
    );
    assert.equal(init.getStatus(), 200);
    assert.equal(text(init.getPayload_asU8()), '5');
    const initWrites = initSim.getTxSimulationResults().namespaces[0]?.writes;
    assert.deepEqual(initWrites?.map((w) => [w.key, text(w.value ?? new Uint8Array())]), [['counter', '5']]);
    initSim.done();

    const blockNum = await commitWrites(ledger, CC.name, { counter: '5' });
    const sim = await ledger.newTxSimulator('tx-increment');
    const params = { txId: 'tx-increment', channelId: ledger.channelId, txSimulator: sim };
    const incremented = await stack.chaincodeSupport.execute(params, CC, input('increment'), ccci);
    assert.equal(incremented.response.getStatus(), 200);
    assert.equal(text(incremented.response.getPayload_asU8()), '6');
    const put = await stack.chaincodeSupport.execute({ ...params, txId: 'tx-put' }, CC, input('put', 'colour', 'blue'), ccci);
    assert.equal(put.response.getStatus(), 200);
    const rw = sim.getTxSimulationResults();
    assert.deepEqual(rw.namespaces.map((n) => n.namespace), ['counter']);
    assert.deepEqual(rw.namespaces[0]?.reads, [{ key: 'counter', version: { blockNum, txNum: 0 } }]);
    assert.deepEqual(
      rw.namespaces[0].writes.map((w) => [w.key, text(w.value ?? new Uint8Array()), w.isDelete]),
      [
        ['colour', 'blue', false],
        ['counter', '6', false],
      ],
    );
    sim.done();

    const failed = await stack.chaincodeSupport.execute({ ...params, txId: 'tx-bad' }, CC, input('nonsense'), ccci);
    assert.equal(failed.response.getStatus(), 500);
    assert.match(failed.response.getMessage(), /unknown function nonsense/);
  });

  test("the chaincode's output goes to the peer log under its own logger", async () => {
    const line = await logLine(stack.lines, /counter initialised to 5/);
    assert.match(line, /\[peer\.chaincode\.counter-1\.0\]/);
  });

  test('a chaincode killed mid-transaction fails it at once with its exit; the next execute launches it again', async () => {
    const firstPid = stack.provider.pid(CC);
    const sim = await ledger.newTxSimulator('tx-hang');
    const hanging = stack.chaincodeSupport.execute({ txId: 'tx-hang', channelId: ledger.channelId, txSimulator: sim }, CC, input('hang'), ccci);
    const said = await logLine(stack.lines, /hanging, pid \d+/);
    const pid = Number(/hanging, pid (\d+)/.exec(said)?.[1]);
    process.kill(pid, 'SIGKILL');
    await assert.rejects(hanging, (err: unknown) => {
      assert.ok(err instanceof ChaincodeError);
      assert.match(err.message, /^failed to execute transaction tx-hang: chaincode counter:1.0 ended its stream before completing the transaction/);
      // Node runs the chaincode without npm in between, so the signal is reported as such.
      assert.match(err.message, /container exited with 137 \(killed by SIGKILL\)/);
      return true;
    });
    sim.done();
    assert.equal(stack.handlerRegistry.handler('counter:1.0'), undefined, 'the handler is deregistered');

    const again = await stack.chaincodeSupport.execute({ txId: 'tx-again', channelId: ledger.channelId }, CC, input('nonsense'), ccci);
    assert.equal(again.response.getStatus(), 500, 'a relaunched chaincode answers');
    assert.notEqual(stack.provider.pid(CC), firstPid);
    assert.ok(stack.lines.some((l) => /reusing the build of counter-1.0/.test(l)), 'the relaunch reuses the build');
  });

  test('stop ends the process; its handler goes with its stream', async () => {
    const pid = stack.provider.pid(CC);
    assert.ok(pid !== undefined);
    await stack.chaincodeSupport.stop(ccci);
    assert.equal(isAlive(pid), false);
    assert.equal(stack.provider.pid(CC), undefined);
    await logLine(stack.lines, /deregister handler: counter:1.0/);
    assert.equal(stack.handlerRegistry.handler('counter:1.0'), undefined);
  });
});
