import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChaincodeInput } from '../../../src/common/protos/peer.js';
import { LifecycleScc, type LifecycleChannel } from '../../../src/scc/lifecycle/lifecycle-scc.js';
import { captureLogging } from '../../helpers/capture-logging.js';
import { testStack } from '../../helpers/stack.js';

/** `_lifecycle` in a chaincode stack, invoked on `channelId` with the given channel config and ACL. */
function lifecycleOn(channel: LifecycleChannel | undefined, denied?: string) {
  const { logging } = captureLogging();
  const checked: string[] = [];
  const scc = new LifecycleScc({
    localMspId: 'Org1MSP',
    packages: { install: async () => ({ packageId: '', label: '' }), get: () => undefined, list: () => [], load: async () => undefined },
    channel: () => channel,
    definedNamespaces: async () => [],
    acl: {
      checkACL: (resource) => {
        checked.push(resource);
        if (denied !== undefined) throw new Error(denied);
      },
    },
    logger: logging.logger('lifecycle'),
  });
  const stack = testStack();
  const ccci = stack.add(scc.name, scc.chaincode);
  const invoke = async (channelId: string, fn: string): Promise<{ status: number; message: string }> => {
    const input = new ChaincodeInput();
    input.setArgsList([Buffer.from(fn), new Uint8Array()]);
    const { response } = await stack.chaincodeSupport.execute({ txId: `tx-${fn}`, channelId }, { name: '_lifecycle', version: '1.0' }, input, ccci);
    return { status: response.getStatus(), message: response.getMessage() };
  };
  return { invoke, checked };
}

describe('_lifecycle refuses what Fabric refuses before it reads any state', () => {
  test('a channel without the V2_0 application capability keeps the legacy lifecycle', async () => {
    const { invoke } = lifecycleOn({ applicationOrgs: [{ mspId: 'Org1MSP' }], applicationCapabilities: ['V1_4_2'], hasPolicy: () => true });
    const res = await invoke('old', 'QueryChaincodeDefinitions');
    assert.deepEqual(res, { status: 500, message: "cannot use new lifecycle for channel 'old' as it does not have the required capabilities enabled" });
  });

  test('a channel the peer is not on', async () => {
    const { invoke } = lifecycleOn(undefined);
    assert.equal((await invoke('nowhere', 'QueryChaincodeDefinitions')).message, "could not get channelconfig for channel 'nowhere'");
  });

  test("each function is checked against its ACL resource (_lifecycle/<function>), and a refusal says so", async () => {
    const { invoke, checked } = lifecycleOn({ applicationOrgs: [], applicationCapabilities: ['V2_5'], hasPolicy: () => true }, 'identity is not an admin');
    const res = await invoke('', 'InstallChaincode');
    assert.deepEqual(res, { status: 500, message: 'Failed to authorize invocation due to failed ACL check: identity is not an admin' });
    assert.deepEqual(checked, ['_lifecycle/InstallChaincode']);
  });

  test('a package ID nobody installed is 404, as Fabric answers it', async () => {
    const { invoke } = lifecycleOn(undefined);
    const res = await invoke('', 'QueryInstalledChaincode');
    assert.equal(res.status, 404);
    assert.equal(res.message, "chaincode install package '' not found");
  });
});
