import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ContainerError } from '../../../src/container/container-error.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { logLine } from '../vm-assertions.js';
import { processStack, type ProcessStack } from './process-stack.js';

/** The first capture of `pattern` in the log, waiting for it to be logged. */
async function logged(stack: ProcessStack, pattern: RegExp): Promise<string> {
  return pattern.exec(await logLine(stack.lines, pattern))?.[1] ?? '';
}

const idle = { name: 'never-registers', version: '1.0' };

describe('ProcessVMProvider launch config', async () => {
  const buildRoot = await tempDir('weft-cc-build-');

  test('TLS files are written to a private folder and the environment points at them', async () => {
    const stack = await processStack({ buildRoot });
    const vm = stack.provider.newVM();
    const files = new Map([['/etc/hyperledger/fabric/client.key', Buffer.from('KEY')]]);
    const env = ['CORE_CHAINCODE_ID_NAME=never-registers:1.0', 'CORE_PEER_TLS_ENABLED=true', 'CORE_TLS_CLIENT_KEY_PATH=/etc/hyperledger/fabric/client.key'];
    await vm.start(idle, ['chaincode', '-peer.address=127.0.0.1:1'], env, files);
    try {
      await assert.rejects(
        vm.start(idle, ['chaincode', '-peer.address=127.0.0.1:1'], env, files),
        (err: unknown) => err instanceof ContainerError && err.code === 'ALREADY_RUNNING' && err.message === 'chaincode running never-registers',
      );
      const keyPath = await logged(stack, /id: never-registers:1.0, tls: true, key: (\S+) \(mode 600\)/);
      assert.ok(keyPath.startsWith(stack.runRoot), `key at ${keyPath}`);
    } finally {
      await vm.stop(idle, 5000, false, false);
    }
    await assert.rejects(vm.wait(idle), (err: unknown) => err instanceof ContainerError && err.code === 'NOT_FOUND');
  });

  test('nodeOptions reach the chaincode\'s node process alone: it can be debugged under the inspector', async () => {
    const stack = await processStack({ buildRoot, nodeOptions: () => '--inspect=127.0.0.1:0' });
    const vm = stack.provider.newVM();
    await vm.start(idle, ['chaincode', '-peer.address=127.0.0.1:1'], [], new Map());
    try {
      await logged(stack, /(sleeping instead of registering)/);
      const url = await logged(stack, /\[peer\.chaincode\.never-registers-1\.0\].*Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/\S+)/);
      assert.ok(url.length > 0);
      assert.equal(stack.lines.filter((l) => /Debugger listening on/.test(l)).length, 1, 'npm itself is not under the inspector');
    } finally {
      await vm.stop(idle, 5000, false, false);
    }
  });
});
