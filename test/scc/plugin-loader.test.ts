import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadPluginSysCCs } from '../../src/scc/plugin-loader.js';
import { SccError } from '../../src/scc/scc-error.js';
import { tempDir } from '../helpers/temp-dir.js';

const conf = (name: string, path: string, enabled = true) => ({ name, path, enabled, invokableExternal: true, invokableCC2CC: false });

describe('loadPluginSysCCs', () => {
  test('loads a chaincode object, a class or a factory from a module, relative to the given folder', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'obj.mjs'), "export default { init: () => ({ status: 200, message: '', payload: new Uint8Array() }), invoke: () => ({ status: 200, message: 'obj', payload: new Uint8Array() }) };");
    await writeFile(join(dir, 'cls.mjs'), "export default class { init() { return { status: 200 }; } invoke() { return { status: 200, message: 'cls' }; } }");
    await writeFile(join(dir, 'fac.mjs'), "export const chaincode = () => ({ init() { return { status: 200 }; }, invoke() { return { status: 200, message: 'fac' }; } });");
    const sccs = await loadPluginSysCCs([conf('obj', 'obj.mjs'), conf('cls', join(dir, 'cls.mjs')), conf('fac', './fac.mjs')], dir);
    assert.deepEqual(sccs.map((s) => [s.name, s.path, s.enabled, s.invokableExternal, s.invokableCC2CC]), [
      ['obj', join(dir, 'obj.mjs'), true, true, false],
      ['cls', join(dir, 'cls.mjs'), true, true, false],
      ['fac', join(dir, 'fac.mjs'), true, true, false],
    ]);
    const messages = await Promise.all(sccs.map(async (s) => (await s.chaincode.invoke({} as never)).message));
    assert.deepEqual(messages, ['obj', 'cls', 'fac']);
  });

  test('a plugin that cannot be loaded is an error naming it and its path', async () => {
    const dir = await tempDir();
    await assert.rejects(
      loadPluginSysCCs([conf('ghost', 'missing.mjs')], dir),
      (err: unknown) =>
        err instanceof SccError &&
        err.code === 'PLUGIN_LOAD_FAILED' &&
        err.message.startsWith(`could not load system chaincode plugin ghost from ${join(dir, 'missing.mjs')}: `),
    );
    await writeFile(join(dir, 'syntax.mjs'), 'export default {{{');
    await assert.rejects(loadPluginSysCCs([conf('broken', 'syntax.mjs')], dir), /could not load system chaincode plugin broken from .*syntax\.mjs: /);
    await writeFile(join(dir, 'nothing.mjs'), 'export default 42;');
    await assert.rejects(loadPluginSysCCs([conf('nothing', 'nothing.mjs')], dir), /plugin nothing from .*nothing\.mjs: its default export is not a chaincode/);
  });

  test('a disabled plugin is listed but not loaded', async () => {
    const dir = await tempDir();
    const [off] = await loadPluginSysCCs([conf('off', 'does-not-exist.mjs', false)], dir);
    assert.equal(off?.enabled, false);
    assert.equal((await off.chaincode.invoke({} as never)).message, 'system chaincode plugin off is disabled');
  });
});
