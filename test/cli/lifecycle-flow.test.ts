import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixtureSource, installedFixture } from '../helpers/chaincode-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft, startPeerProcess, type WeftProcess } from '../helpers/weft-process.js';
import { defaultCryptoDir, defaultUserIdentity } from '../../src/msp/default-identities.js';

/**
 * Fabric 2.x's lifecycle on the embedded default (one org, Org1MSP), as a user drives it with the
 * CLI: a node chaincode the peer builds, InitRequired, an upgrade to sequence 2, an org's implicit
 * collection, the refusals with Fabric's words, a restart, and a chaincode an external builder runs.
 */
describe('weft lifecycle chaincode on the embedded default', () => {
  let peer: WeftProcess;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let packageId = '';
  const builder = fixtureSource('../externalbuilder/node-builder');

  const weft = async (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> => runWeft(args, { ...env, ...extra });
  const ok = async (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<string> => {
    const res = await weft(args, extra);
    assert.equal(res.code, 0, `weft ${args.join(' ')}:\n${res.stderr}\n${res.stdout}`);
    return res.stdout;
  };
  const refused = async (args: string[], pattern: RegExp): Promise<void> => {
    const res = await weft(args);
    assert.equal(res.code, 1, `weft ${args.join(' ')} should have failed:\n${res.stdout}`);
    assert.match(res.stderr, pattern);
  };
  const definition = (version: string, sequence: number, ...more: string[]): string[] => ['-C', 'mychannel', '-n', 'asset', '-v', version, '--sequence', String(sequence), ...more];

  before(async () => {
    dir = await tempDir('weft-lifecycle-');
    // The external builder's chaincode finds fabric-shim in a prepared copy of a fixture.
    const kvShim = await installedFixture('kv-shim');
    const started = await startPeerProcess(['--join', 'mychannel'], {
      CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: test-node, path: ${builder}, propagateEnvironment: [NODE_BUILDER_MODULES]}]`,
      NODE_BUILDER_MODULES: join(kvShim, 'node_modules'),
    });
    peer = started.peer;
    env = started.client;
  });

  after(async () => {
    await peer.stop();
  });

  test('package, calculatepackageid, install, queryinstalled: the package ID is label:sha256 of the file', async () => {
    const file = join(dir, 'asset.tar.gz');
    await ok(['lifecycle', 'chaincode', 'package', file, '-p', fixtureSource('asset-contract'), '-l', 'node', '--label', 'asset_1.0']);
    packageId = (await ok(['lifecycle', 'chaincode', 'calculatepackageid', file])).trim();
    const { createHash } = await import('node:crypto');
    assert.equal(packageId, `asset_1.0:${createHash('sha256').update(await readFile(file)).digest('hex')}`);
    const installed = await weft(['lifecycle', 'chaincode', 'install', file]);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stderr, new RegExp(`Chaincode code package identifier: ${packageId.replace(/[.+]/g, '\\$&')}`));
    const list = await ok(['lifecycle', 'chaincode', 'queryinstalled']);
    assert.match(list, new RegExp(`Package ID: ${packageId.replace(/[.+]/g, '\\$&')}, Label: asset_1\\.0`));
    await refused(['lifecycle', 'chaincode', 'install', file], new RegExp(`chaincode already successfully installed \\(package ID '${packageId.replace(/[.+]/g, '\\$&')}'\\)`));
    const badLabel = await weft(['lifecycle', 'chaincode', 'package', join(dir, 'bad.tar.gz'), '-p', fixtureSource('asset-contract'), '-l', 'node', '--label', '.bad']);
    assert.equal(badLabel.code, 1);
    assert.match(badLabel.stderr, /invalid label '\.bad'\. Label must be non-empty, can only consist of alphanumerics, symbols from '\.\+-_', and can only begin with alphanumerics/);
    await refused(['lifecycle', 'chaincode', 'getinstalledpackage', '--package-id', 'nope:00', '--output-directory', dir], /chaincode install package 'nope:00' not found/);
    await ok(['lifecycle', 'chaincode', 'getinstalledpackage', '--package-id', packageId, '--output-directory', dir]);
    assert.deepEqual(await readFile(join(dir, `${packageId}.tar.gz`)), await readFile(file));
  });

  test("a client who is not the peer's admin may neither install nor approve for the org: refused, and nothing is installed or approved", async () => {
    const user1 = { CORE_PEER_MSPCONFIGPATH: defaultUserIdentity(defaultCryptoDir(env.CORE_PEER_FILESYSTEMPATH ?? ''), 'User1').mspDir, CORE_PEER_LOCALMSPID: 'Org1MSP' };
    const file = join(dir, 'intruder.tar.gz');
    await ok(['lifecycle', 'chaincode', 'package', file, '-p', fixtureSource('asset-contract'), '-l', 'node', '--label', 'intruder_1']);
    const install = await weft(['lifecycle', 'chaincode', 'install', file], user1);
    assert.equal(install.code, 1);
    assert.match(install.stderr, /Failed to authorize invocation due to failed ACL check/);
    const approve = await weft(['lifecycle', 'chaincode', 'approveformyorg', '-C', 'mychannel', '-n', 'intruder', '-v', '1', '--sequence', '1'], user1);
    assert.equal(approve.code, 1);
    assert.match(approve.stderr, /Failed to authorize invocation due to failed ACL check/);
    assert.doesNotMatch(await ok(['lifecycle', 'chaincode', 'queryinstalled']), /intruder_1/);
    await refused(['lifecycle', 'chaincode', 'queryapproved', '-C', 'mychannel', '-n', 'intruder'], /could not fetch approved chaincode definition \(name: 'intruder', sequence: '0'\) on channel 'mychannel'/);
  });

  test('install builds a node package as Fabric does: one npm cannot install is refused, and not installed', async () => {
    const file = join(dir, 'broken.tar.gz');
    await ok(['lifecycle', 'chaincode', 'package', file, '-p', fixtureSource('broken-deps'), '-l', 'node', '--label', 'broken_1']);
    await refused(['lifecycle', 'chaincode', 'install', file], /could not build chaincode: npm install for chaincode broken_1-[0-9a-f]{64} failed with exit code 3:[^]*this package cannot be installed here/);
    assert.doesNotMatch(await ok(['lifecycle', 'chaincode', 'queryinstalled']), /broken_1/);
  });

  test("on this V2_5 channel lscc is read-only: the 1.4 CLI's instantiate is refused with Fabric's words", async () => {
    await refused(['chaincode', 'instantiate', '-C', 'mychannel', '-n', 'legacy', '-v', '1.0', '-c', '{"Args":[]}'], /Channel 'mychannel' has been migrated to the new lifecycle, LSCC is now read-only/);
  });

  test('approve (wrong sequences refused), checkcommitreadiness, commit, querycommitted', async () => {
    // As Fabric's CLI: sequence 0 is refused before any peer is asked.
    await refused(['lifecycle', 'chaincode', 'approveformyorg', ...definition('1.0', 0, '--package-id', packageId)], /The required parameter 'sequence' is empty\. Rerun the command with --sequence flag/);
    await refused(['lifecycle', 'chaincode', 'approveformyorg', ...definition('1.0', 2, '--package-id', packageId)], /requested sequence 2 is larger than the next available sequence number 1/);
    await refused(['lifecycle', 'chaincode', 'approveformyorg', '-C', 'mychannel', '-n', 'lscc', '-v', '1', '--sequence', '1'], /chaincode name 'lscc' is the name of a system chaincode/);
    await refused(['lifecycle', 'chaincode', 'commit', ...definition('1.0', 1, '--init-required')], /chaincode definition not agreed to by this org \(Org1MSP\)/);
    await ok(['lifecycle', 'chaincode', 'approveformyorg', ...definition('1.0', 1, '--package-id', packageId, '--init-required')]);
    await refused(
      ['lifecycle', 'chaincode', 'approveformyorg', ...definition('1.0', 1, '--package-id', packageId, '--init-required')],
      /attempted to redefine uncommitted sequence \(1\) for namespace asset with unchanged content/,
    );
    const readiness = JSON.parse(await ok(['lifecycle', 'chaincode', 'checkcommitreadiness', ...definition('1.0', 1, '--init-required'), '--output', 'json'])) as unknown;
    assert.deepEqual(readiness, { approvals: { Org1MSP: true } });
    // Another definition than the one approved: not approved.
    assert.match(await ok(['lifecycle', 'chaincode', 'checkcommitreadiness', ...definition('1.1', 1, '--init-required')]), /Org1MSP: false/);
    await ok(['lifecycle', 'chaincode', 'commit', ...definition('1.0', 1, '--init-required')]);
    const committed = await ok(['lifecycle', 'chaincode', 'querycommitted', '-C', 'mychannel', '-n', 'asset']);
    assert.match(committed, /Version: 1\.0, Sequence: 1, Endorsement Plugin: escc, Validation Plugin: vscc, Approvals: \[Org1MSP: true\]/);
    await refused(['lifecycle', 'chaincode', 'querycommitted', '-C', 'mychannel', '-n', 'nothing'], /namespace nothing is not defined/);
  });

  test('InitRequired: the first invoke must be --isInit, and only the first', async () => {
    const invoke = (args: string[], ...more: string[]) => ['chaincode', 'invoke', '-C', 'mychannel', '-n', 'asset', '-c', JSON.stringify({ Args: args }), ...more];
    await refused(invoke(['CreateAsset', 'a1', 'alice']), /chaincode 'asset' has not been initialized for this version, must call as init first/);
    assert.match(await ok(invoke(['CreateAsset', 'a1', 'alice'], '--isInit')), /Chaincode invoke successful/);
    await refused(invoke(['CreateAsset', 'a2', 'bob'], '--isInit'), /chaincode 'asset' is already initialized but called as init/);
    await ok(invoke(['TransferAsset', 'a1', 'carol']));
    assert.equal(await ok(['chaincode', 'query', '-C', 'mychannel', '-n', 'asset', '-c', '{"Args":["ReadAsset","a1"]}']), '{"id":"a1","owner":"carol"}\n');
  });

  test("the org's implicit collection: chaincode writes and reads _implicit_org_Org1MSP", async () => {
    await ok(['chaincode', 'invoke', '-C', 'mychannel', '-n', 'asset', '-c', '{"Args":["PutPrivate","_implicit_org_Org1MSP","k1"]}', '--transient', `{"value":"${Buffer.from('secret').toString('base64')}"}`]);
    assert.equal(await ok(['chaincode', 'query', '-C', 'mychannel', '-n', 'asset', '-c', '{"Args":["GetPrivate","_implicit_org_Org1MSP","k1"]}']), 'secret\n');
    // A collection the definition does not have.
    await refused(['chaincode', 'query', '-C', 'mychannel', '-n', 'asset', '-c', '{"Args":["GetPrivate","nosuch","k1"]}'], /collection \[nosuch\] not defined in the collection config for chaincode \[asset\]/);
  });

  test('sequence 2 with a new package: the state stays, no Init needed when the new definition does not require it', async () => {
    const file = join(dir, 'asset2.tar.gz');
    await ok(['lifecycle', 'chaincode', 'package', file, '-p', fixtureSource('asset-contract'), '-l', 'node', '--label', 'asset_2.0']);
    const installed = await weft(['lifecycle', 'chaincode', 'install', file]);
    assert.equal(installed.code, 0, installed.stderr);
    const second = (await ok(['lifecycle', 'chaincode', 'calculatepackageid', file])).trim();
    await refused(['lifecycle', 'chaincode', 'approveformyorg', ...definition('2.0', 1, '--package-id', second)], /attempted to redefine the current committed sequence \(1\) for namespace asset with different parameters: expected Version '1\.0' does not match passed Version '2\.0'/);
    await ok(['lifecycle', 'chaincode', 'approveformyorg', ...definition('2.0', 2, '--package-id', second)]);
    await refused(['lifecycle', 'chaincode', 'commit', ...definition('2.0', 3)], /requested sequence is 3, but new definition must be sequence 2/);
    await ok(['lifecycle', 'chaincode', 'commit', ...definition('2.0', 2)]);
    assert.match(await ok(['lifecycle', 'chaincode', 'querycommitted', '-C', 'mychannel']), /Name: asset, Version: 2\.0, Sequence: 2/);
    assert.equal(await ok(['chaincode', 'query', '-C', 'mychannel', '-n', 'asset', '-c', '{"Args":["ReadAsset","a1"]}']), '{"id":"a1","owner":"carol"}\n');
    await ok(['chaincode', 'invoke', '-C', 'mychannel', '-n', 'asset', '-c', '{"Args":["TransferAsset","a1","dave"]}']);
    const approved = JSON.parse(await ok(['lifecycle', 'chaincode', 'queryapproved', '-C', 'mychannel', '-n', 'asset', '--output', 'json'])) as { sequence: number; version: string; source: unknown };
    assert.equal(approved.sequence, 2);
    assert.equal(approved.version, '2.0');
    assert.deepEqual(approved.source, { Type: { LocalPackage: { package_id: second } } });
  });

  test('a definition approved with a package this peer does not have: invoking it says the chaincode is not installed', async () => {
    const other = ['-C', 'mychannel', '-n', 'ghost', '-v', '1', '--sequence', '1'];
    await ok(['lifecycle', 'chaincode', 'approveformyorg', ...other, '--package-id', 'ghost_1:0123']);
    await ok(['lifecycle', 'chaincode', 'commit', ...other]);
    await refused(['chaincode', 'query', '-C', 'mychannel', '-n', 'ghost', '-c', '{"Args":["get","k"]}'], /chaincode definition for 'ghost' exists, but chaincode is not installed/);
  });

  test("a package of a type only the test's external builder detects runs through it: bin/run starts the chaincode", async () => {
    const source = join(dir, 'ext-src');
    await mkdir(source, { recursive: true });
    await writeFile(join(source, 'index.js'), await readFile(join(fixtureSource('kv-shim'), 'index.js')));
    await writeFile(join(source, 'package.json'), JSON.stringify({ name: 'ext', version: '1.0.0', main: 'index.js' }));
    const file = join(dir, 'ext.tar.gz');
    await ok(['lifecycle', 'chaincode', 'package', file, '-p', source, '-l', 'external-node', '--label', 'ext_1']);
    const installed = await weft(['lifecycle', 'chaincode', 'install', file]);
    assert.equal(installed.code, 0, installed.stderr);
    const id = (await ok(['lifecycle', 'chaincode', 'calculatepackageid', file])).trim();
    const ext = ['-C', 'mychannel', '-n', 'ext', '-v', '1', '--sequence', '1'];
    await ok(['lifecycle', 'chaincode', 'approveformyorg', ...ext, '--package-id', id]);
    await ok(['lifecycle', 'chaincode', 'commit', ...ext]);
    await ok(['chaincode', 'invoke', '-C', 'mychannel', '-n', 'ext', '-c', '{"Args":["put","k","external"]}']);
    assert.equal(await ok(['chaincode', 'query', '-C', 'mychannel', '-n', 'ext', '-c', '{"Args":["get","k"]}']), 'external\n');
    await peer.waitFor(/built by external builder test-node/);
    // A type nobody builds is refused at install.
    const golang = join(dir, 'go.tar.gz');
    await ok(['lifecycle', 'chaincode', 'package', golang, '-p', source, '-l', 'golang', '--label', 'go_1']);
    await refused(['lifecycle', 'chaincode', 'install', golang], /could not build chaincode: no builder for chaincode type 'golang'/);
  });

  test('a restarted peer knows every definition and installed package, and runs them', async () => {
    await peer.stop();
    const restarted = await startPeerProcess([], {
      CORE_PEER_FILESYSTEMPATH: env.CORE_PEER_FILESYSTEMPATH,
      CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: test-node, path: ${builder}, propagateEnvironment: [NODE_BUILDER_MODULES]}]`,
      NODE_BUILDER_MODULES: join(await installedFixture('kv-shim'), 'node_modules'),
    });
    peer = restarted.peer;
    env = restarted.client;
    const list = await ok(['lifecycle', 'chaincode', 'queryinstalled']);
    for (const label of ['asset_1.0', 'asset_2.0', 'ext_1']) assert.match(list, new RegExp(`Label: ${label.replace('.', '\\.')}`));
    assert.match(await ok(['lifecycle', 'chaincode', 'querycommitted', '-C', 'mychannel']), /Name: asset, Version: 2\.0, Sequence: 2[^]*Name: ext, Version: 1, Sequence: 1[^]*Name: ghost/);
    assert.equal(await ok(['chaincode', 'query', '-C', 'mychannel', '-n', 'asset', '-c', '{"Args":["ReadAsset","a1"]}']), '{"id":"a1","owner":"dave"}\n');
    assert.equal(await ok(['chaincode', 'query', '-C', 'mychannel', '-n', 'ext', '-c', '{"Args":["get","k"]}']), 'external\n');
  });
});
