import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '../../../src/common/config/config-error.js';
import { loadCoreConfig } from '../../../src/common/config/load-core-config.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A config folder holding `yaml` as core.yaml, and builders under it: name -> the bin/ commands it has. */
async function configWith(yaml: string, builders: Record<string, string[]> = {}): Promise<string> {
  const dir = await tempDir('weft-ext-config-');
  await writeFile(join(dir, 'core.yaml'), yaml);
  for (const [name, commands] of Object.entries(builders)) {
    await mkdir(join(dir, name, 'bin'), { recursive: true });
    for (const command of commands) {
      await writeFile(join(dir, name, 'bin', command), '#!/bin/sh\nexit 0\n');
      await chmod(join(dir, name, 'bin', command), 0o755);
    }
  }
  return dir;
}

async function rejectsNaming(dir: string, env: NodeJS.ProcessEnv, ...parts: string[]): Promise<void> {
  await assert.rejects(loadCoreConfig({ env: { FABRIC_CFG_PATH: dir, ...env } }), (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.code, 'CONFIG_INVALID_VALUE');
    for (const part of parts) assert.ok(err.message.includes(part), `${JSON.stringify(err.message)} should name ${part}`);
    return true;
  });
}

describe('loadCoreConfig: chaincode.externalBuilders', () => {
  test('none by default', async () => {
    const cfg = await loadCoreConfig({ env: {}, cwd: '/srv/weft' });
    assert.deepEqual(cfg.chaincode.externalBuilders, []);
  });

  test('entries in order, paths made absolute from the config folder, propagateEnvironment as given', async () => {
    const dir = await configWith(
      'chaincode:\n  externalBuilders:\n' +
        '    - name: first\n      path: b1\n      propagateEnvironment:\n        - HOME\n        - GOPATH\n' +
        '    - name: second\n      path: b2\n',
      { b1: ['detect', 'build'], b2: ['detect', 'build', 'release', 'run'] },
    );
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } });
    assert.deepEqual(cfg.chaincode.externalBuilders, [
      { name: 'first', path: join(dir, 'b1'), propagateEnvironment: ['HOME', 'GOPATH'] },
      { name: 'second', path: join(dir, 'b2'), propagateEnvironment: [] },
    ]);
  });

  test("Fabric's older environmentWhitelist stands in for propagateEnvironment", async () => {
    const dir = await configWith('chaincode:\n  externalBuilders:\n    - name: old\n      path: b\n      environmentWhitelist: [GOCACHE]\n', { b: ['detect', 'build'] });
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } });
    assert.deepEqual(cfg.chaincode.externalBuilders[0]?.propagateEnvironment, ['GOCACHE']);
  });

  test('CORE_CHAINCODE_EXTERNALBUILDERS gives the list as YAML', async () => {
    const dir = await configWith('peer:\n  id: p\n', { b: ['detect', 'build'] });
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir, CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: env, path: ${join(dir, 'b')}}]` } });
    assert.deepEqual(cfg.chaincode.externalBuilders, [{ name: 'env', path: join(dir, 'b'), propagateEnvironment: [] }]);
  });

  test('an entry without a name names the key and the path', async () => {
    const dir = await configWith('chaincode:\n  externalBuilders:\n    - path: /opt/b\n');
    await rejectsNaming(dir, {}, 'chaincode.externalBuilders[0].name', '/opt/b');
  });

  test('an entry without a path names the key', async () => {
    const dir = await configWith('chaincode:\n  externalBuilders:\n    - name: a\n      path: a\n    - name: b\n', { a: ['detect', 'build'] });
    await rejectsNaming(dir, {}, 'chaincode.externalBuilders[1].path');
  });

  test('a path without bin/build (or bin/detect) names the key and the missing command', async () => {
    const dir = await configWith('chaincode:\n  externalBuilders:\n    - name: half\n      path: half\n', { half: ['detect', 'run'] });
    await rejectsNaming(dir, {}, 'chaincode.externalBuilders[0].path', '"half"', 'has no bin/build');
    const none = await configWith('chaincode:\n  externalBuilders:\n    - name: gone\n      path: /nowhere/at/all\n');
    await rejectsNaming(none, {}, 'chaincode.externalBuilders[0].path', 'has no bin/detect');
  });

  test('a list that is not one, from the file or the variable', async () => {
    await rejectsNaming(await configWith('chaincode:\n  externalBuilders: builder\n'), {}, 'chaincode.externalBuilders', 'is not a list');
    await rejectsNaming(await configWith(''), { CORE_CHAINCODE_EXTERNALBUILDERS: '[{name: x' }, 'chaincode.externalBuilders (from CORE_CHAINCODE_EXTERNALBUILDERS)', 'is not YAML');
    await rejectsNaming(await configWith('chaincode:\n  externalBuilders:\n    - just-a-word\n'), {}, 'chaincode.externalBuilders[0]', 'is not a mapping');
  });
});
