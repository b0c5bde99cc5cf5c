import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ChaincodeError } from '../../../src/chaincode/chaincode-error.js';
import { ContainerError } from '../../../src/container/container-error.js';
import { PackageBuilder } from '../../../src/container/process/package-builder.js';
import { peerAddressFromArgs } from '../../../src/container/process/peer-address.js';
import { inheritedEnv } from '../../../src/container/process/child-env.js';
import { captureLogging } from '../../helpers/capture-logging.js';
import { input } from '../../helpers/stack.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { FIXTURES, processStack } from './process-stack.js';
import { launchFailure } from '../vm-assertions.js';

const idle = { name: 'never-registers', version: '1.0' };

describe('PackageBuilder', () => {
  test('builds once, reuses the build while the package is unchanged, rebuilds when it changes', async () => {
    const source = join(await tempDir('weft-cc-src-'), 'pkg');
    await cp(join(FIXTURES, idle.name), source, { recursive: true });
    const { logging, lines } = captureLogging('debug');
    const builder = new PackageBuilder({ buildRoot: await tempDir('weft-cc-build-'), env: inheritedEnv(process.env), npm: 'npm', logger: logging.logger('processvm') });

    const dir = await builder.build(idle, source);
    await writeFile(join(dir, 'left-by-first-build'), '');
    assert.equal(await builder.build(idle, source), dir);
    assert.equal(await readFile(join(dir, 'left-by-first-build'), 'utf8'), '', 'the second build reused the first');
    assert.equal(lines.filter((l) => /building chaincode never-registers-1.0/.test(l)).length, 1);

    await writeFile(join(source, 'index.js'), "console.log('changed');\n");
    await builder.build(idle, source);
    await assert.rejects(readFile(join(dir, 'left-by-first-build')), 'a changed package is built afresh');
    assert.equal(await readFile(join(dir, 'index.js'), 'utf8'), "console.log('changed');\n");
  });
});

describe('peerAddressFromArgs', () => {
  test('reads the address from the launch arguments of each language', () => {
    assert.equal(peerAddressFromArgs(['/bin/sh', '-c', 'cd /usr/local/src; npm start -- --peer.address peer0:7052']), 'peer0:7052');
    assert.equal(peerAddressFromArgs(['chaincode', '-peer.address=127.0.0.1:7052']), '127.0.0.1:7052');
    assert.equal(peerAddressFromArgs(['/root/chaincode-java/start', '--peerAddress', 'peer0:7052']), 'peer0:7052');
    assert.throws(
      () => peerAddressFromArgs(['chaincode']),
      (err: unknown) => err instanceof ContainerError && err.code === 'START_FAILED' && /no peer address/.test(err.message),
    );
  });
});

describe('ProcessVMProvider failures', async () => {
  test('a package that is not installed is named in the launch error', async () => {
    const stack = await processStack({ packages: () => undefined });
    await assert.rejects(
      stack.chaincodeSupport.launch(stack.ccci('missing')),
      launchFailure(/^could not launch chaincode missing:1.0: error starting container: chaincode package missing:1.0 is not installed$/),
    );
  });

  test('a package whose npm install fails is an error naming the step, its exit code and its last words', async () => {
    const stack = await processStack({ buildRoot: await tempDir('weft-cc-build-') });
    await assert.rejects(stack.chaincodeSupport.launch(stack.ccci('broken-deps')), (err: unknown) => {
      launchFailure(/npm install for chaincode broken-deps-1.0 failed with exit code 3:/)(err);
      assert.match((err as Error).message, /this package cannot be installed here/);
      assert.equal((err as ChaincodeError).cause instanceof ChaincodeError, true);
      return true;
    });
  });

  test('a chaincode that never registers fails after the startup timeout and is stopped', async () => {
    const stack = await processStack({ startupTimeoutMs: 3000, buildRoot: await tempDir('weft-cc-build-') });
    // Built beforehand, so that the startup timeout measures the start alone.
    const builder = new PackageBuilder({ buildRoot: stack.buildRoot, env: inheritedEnv(process.env), npm: 'npm', logger: stack.logger });
    await builder.build(idle, join(FIXTURES, idle.name));
    await assert.rejects(
      stack.chaincodeSupport.execute({ txId: 'tx1', channelId: 'ch' }, idle, input('anything'), stack.ccci(idle.name)),
      launchFailure(/^could not launch chaincode never-registers:1.0: timeout expired while starting chaincode never-registers:1.0 for transaction$/),
    );
    assert.equal(stack.provider.pid(idle), undefined, 'the launcher stopped it');
    assert.ok(stack.lines.some((l) => /\[peer\.chaincode\.never-registers-1\.0\].*sleeping instead of registering/.test(l)));
    assert.ok(stack.lines.some((l) => /args: --peer.address 127\.0\.0\.1:\d+$/.test(l)));
    assert.ok(stack.lines.some((l) => /id: never-registers:1.0, tls: false, key: undefined/.test(l)));
  });
});
