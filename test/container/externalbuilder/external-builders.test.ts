import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { builderEnv } from '../../../src/container/externalbuilder/builder-env.js';
import { ExternalBuilderError } from '../../../src/container/externalbuilder/external-builder-error.js';
import { ExternalBuilders } from '../../../src/container/externalbuilder/external-builders.js';
import { packageIdPath } from '../../../src/container/externalbuilder/package-id-path.js';
import { captureLogging } from '../../helpers/capture-logging.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { NODE_BUILDER, packageParts, recorderFiles, writeBuilder } from './builder-fixtures.js';

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

async function setup(builders: Array<{ name: string; path: string; propagateEnvironment?: string[] }>, env: NodeJS.ProcessEnv = {}, root?: string) {
  const { logging, lines } = captureLogging('info:chaincode.externalbuilder=debug');
  const buildsRoot = root ?? (await tempDir('weft-ext-builds-'));
  const markDir = await tempDir('weft-ext-marks-');
  const externalBuilders = new ExternalBuilders({
    builders,
    root: buildsRoot,
    logging,
    env: { PATH: process.env.PATH, MARK_DIR: markDir, SECRET: 'not for builders', ...env },
  });
  return { externalBuilders, lines, root: buildsRoot, markDir };
}

describe('ExternalBuilders: detect and build', () => {
  test('builders are asked in order; the first that detects builds and releases; the later ones are never asked', async () => {
    const refuser = await writeBuilder({ detect: 'echo "$1 $2" > "$MARK_DIR/refuser-detect"\nexit 1', build: 'exit 9' });
    const greedy = await writeBuilder({ detect: 'touch "$MARK_DIR/greedy-detect"', build: 'exit 9' });
    const { externalBuilders, lines, root, markDir } = await setup([
      { name: 'refuser', path: refuser, propagateEnvironment: ['MARK_DIR'] },
      { name: 'node', path: NODE_BUILDER },
      { name: 'greedy', path: greedy, propagateEnvironment: ['MARK_DIR'] },
    ]);
    const parts = await packageParts('external-node', 'recorder', recorderFiles());
    const build = await externalBuilders.build('recorder:1111', parts);
    assert.ok(build !== undefined);
    assert.equal(build.builder.name, 'node');
    assert.equal(build.packageId, 'recorder:1111');
    assert.equal(build.chaincodeServerDir, undefined);

    // The refuser was asked with the unpacked source and the folder of metadata.json; the greedy one never.
    const [source, metadata] = (await readFile(join(markDir, 'refuser-detect'), 'utf8')).trim().split(' ');
    assert.ok(source !== undefined && metadata !== undefined);
    assert.equal(await exists(join(markDir, 'greedy-detect')), false);
    // Scratch space is gone once the build is kept.
    assert.equal(await exists(source), false);

    // Kept in Fabric's layout, under the package ID made a file name.
    const kept = join(root, 'recorder-1111');
    assert.equal(build.buildDir, join(kept, 'bld'));
    assert.equal(build.releaseDir, join(kept, 'release'));
    assert.deepEqual(JSON.parse(await readFile(join(kept, 'build-info.json'), 'utf8')), { builder_name: 'node' });
    assert.equal(await readFile(join(build.buildDir, 'behaviour'), 'utf8'), 'wait');
    assert.deepEqual(await readdir(root), ['recorder-1111']);
    assert.equal(externalBuilders.get('recorder:1111'), build);

    // Fabric's loggers and words: the refusal at debug, the builder's output under its own name.
    assert.ok(lines.some((l) => /\[chaincode\.externalbuilder\] Detect -> DEBU .* builder 'refuser' detect failed: exit status 1$/.test(l)), lines.join('\n'));
    assert.ok(
      lines.some((l) => /\[chaincode\.externalbuilder\.node\] waitForExit -> INFO .* node-builder: built src into .* \{"command": "build"\}$/.test(l)),
      lines.join('\n'),
    );
  });

  test('no builder detects the package: undefined, and nothing is kept', async () => {
    const { externalBuilders, root, lines } = await setup([{ name: 'node', path: NODE_BUILDER }]);
    const parts = await packageParts('golang', 'gocc', { 'main.go': 'package main\n' });
    assert.equal(await externalBuilders.build('gocc:2222', parts), undefined);
    assert.deepEqual(await readdir(root), []);
    assert.ok(lines.some((l) => /\[chaincode\.externalbuilder\] Build -> DEBU .* no external builder detected for gocc:2222$/.test(l)));
    assert.equal(externalBuilders.get('gocc:2222'), undefined);
  });

  test('no builders configured: undefined without unpacking anything', async () => {
    const { externalBuilders, root } = await setup([]);
    assert.equal(await externalBuilders.build('x:1', { metadataJson: '{}', codePackage: new Uint8Array([1, 2, 3]) }), undefined);
    assert.deepEqual(await readdir(root), []);
  });

  test('a failing build rejects naming the builder, the step, the exit code and the last output; nothing is kept', async () => {
    const { externalBuilders, root } = await setup([{ name: 'node', path: NODE_BUILDER }]);
    const parts = await packageParts('external-node', 'broken', { ...recorderFiles(), 'fail-build': 'the compiler is on holiday\n' });
    await assert.rejects(externalBuilders.build('broken:3333', parts), (err: unknown) => {
      assert.ok(err instanceof ExternalBuilderError, String(err));
      assert.equal(err.code, 'BUILD_FAILED');
      assert.deepEqual({ builder: err.details.builder, step: err.details.step, exitCode: err.details.exitCode }, { builder: 'node', step: 'build', exitCode: 3 });
      assert.match(err.message, /^external builder failed to build: external builder 'node' failed: exit status 3; last output:/);
      assert.match(err.message, /node-builder: cannot build this package:\n {2}the compiler is on holiday$/);
      return true;
    });
    assert.deepEqual(await readdir(root), []);
  });

  test('a failing release rejects naming the builder and the step', async () => {
    const failing = await writeBuilder({ detect: 'exit 0', build: 'exit 0', release: 'echo "no room" >&2\nexit 4' });
    const { externalBuilders } = await setup([{ name: 'releaser', path: failing }]);
    const parts = await packageParts('anything', 'rel', { a: 'b' });
    await assert.rejects(externalBuilders.build('rel:1', parts), (err: unknown) => {
      assert.ok(err instanceof ExternalBuilderError);
      assert.equal(err.code, 'RELEASE_FAILED');
      assert.match(err.message, /builder 'releaser' release failed: exit status 4; last output:\n {2}no room$/);
      return true;
    });
  });

  test('a builder without bin/release skips the step and keeps an empty release folder', async () => {
    const plain = await writeBuilder({ detect: 'exit 0', build: 'cp -R "$1/." "$3/"' });
    const { externalBuilders, lines } = await setup([{ name: 'plain', path: plain }]);
    const build = await externalBuilders.build('plain:1', await packageParts('x', 'plain', { 'a.txt': 'A' }));
    assert.ok(build !== undefined);
    assert.deepEqual(await readdir(build.releaseDir), []);
    assert.equal(await readFile(join(build.buildDir, 'a.txt'), 'utf8'), 'A');
    assert.ok(lines.some((l) => /\[chaincode\.externalbuilder\.plain\] Release -> DEBU .* Skipping release step for 'plain:1' as no release binary found$/.test(l)));
  });

  test("builder commands get only the variables they propagate and Fabric's defaults", async () => {
    const dumper = await writeBuilder({ detect: 'env > "$MARK_DIR/env"\nexit 1', build: 'exit 0' });
    const { externalBuilders, markDir } = await setup([{ name: 'dumper', path: dumper, propagateEnvironment: ['MARK_DIR', 'UNSET_ONE'] }], {
      TMPDIR: '/tmp',
      LD_LIBRARY_PATH: '/opt/lib',
    });
    await externalBuilders.build('env:1', await packageParts('x', 'env', { a: 'b' }));
    const seen = (await readFile(join(markDir, 'env'), 'utf8')).split('\n');
    assert.ok(seen.includes(`MARK_DIR=${markDir}`));
    assert.ok(seen.includes('TMPDIR=/tmp'));
    assert.ok(seen.includes('LD_LIBRARY_PATH=/opt/lib'));
    assert.ok(seen.some((l) => l.startsWith('PATH=')));
    assert.ok(!seen.some((l) => l.startsWith('SECRET=')));
    assert.ok(!seen.some((l) => l.startsWith('UNSET_ONE')));
  });

  test('a code package holding a symbolic link is refused, as Fabric refuses it', async () => {
    const { externalBuilders } = await setup([{ name: 'node', path: NODE_BUILDER }]);
    const { Header } = await import('tar');
    const { gzipSync } = await import('node:zlib');
    const header = new Header({ path: 'link', type: 'SymbolicLink', linkpath: '/etc/passwd', size: 0, mode: 0o777, mtime: new Date(0) });
    header.encode();
    const tar = Buffer.concat([header.block ?? Buffer.alloc(0), Buffer.alloc(1024)]);
    await assert.rejects(externalBuilders.build('link:1', { metadataJson: '{"type":"external-node"}', codePackage: gzipSync(tar) }), (err: unknown) => {
      assert.ok(err instanceof ExternalBuilderError);
      assert.equal(err.code, 'BAD_PACKAGE');
      assert.match(err.message, /only regular files and folders are allowed, not link \(SymbolicLink\)/);
      return true;
    });
  });

  test('aborting the signal kills a build that hangs, and the build fails saying so', async () => {
    const hanging = await writeBuilder({ detect: 'exit 0', build: 'exec sleep 30' });
    const { externalBuilders, root } = await setup([{ name: 'slow', path: hanging }]);
    const controller = new AbortController();
    const building = externalBuilders.build('slow:1', await packageParts('x', 'slow', { a: 'b' }), { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(building, (err: unknown) => {
      assert.ok(err instanceof ExternalBuilderError);
      assert.equal(err.code, 'BUILD_FAILED');
      assert.match(err.message, /external builder 'slow' failed: .*abort/i);
      return true;
    });
    assert.deepEqual(await readdir(root), []);
  });

  test('the same package built twice at once is built once', async () => {
    const { externalBuilders, lines } = await setup([{ name: 'node', path: NODE_BUILDER }]);
    const parts = await packageParts('external-node', 'twice', recorderFiles());
    const [a, b] = await Promise.all([externalBuilders.build('twice:1', parts), externalBuilders.build('twice:1', parts)]);
    assert.equal(a, b);
    assert.equal(lines.filter((l) => l.includes('{"command": "build"}')).length, 1);
  });
});

describe('ExternalBuilders: builds kept across restarts', () => {
  test('a new instance on the same root restores the build without detecting or building again', async () => {
    const first = await setup([{ name: 'node', path: NODE_BUILDER }]);
    const parts = await packageParts('external-node', 'kept', recorderFiles());
    const built = await first.externalBuilders.build('kept:4444', parts);
    assert.ok(built !== undefined);

    const second = await setup([{ name: 'other', path: NODE_BUILDER }, { name: 'node', path: NODE_BUILDER }], {}, first.root);
    assert.equal(second.externalBuilders.get('kept:4444'), undefined);
    const restored = await second.externalBuilders.restore('kept:4444');
    assert.ok(restored !== undefined);
    assert.equal(restored.builder.name, 'node');
    assert.equal(restored.buildDir, built.buildDir);
    assert.equal(second.externalBuilders.get('kept:4444'), restored);
    // build() of a kept package is the kept build, too: no detect, no build.
    const again = await second.externalBuilders.build('kept:4444', parts);
    assert.equal(again?.buildDir, built.buildDir);
    assert.deepEqual(second.lines.filter((l) => /detect|"command"/.test(l)), []);
  });

  test('restoring a package never built is undefined', async () => {
    const { externalBuilders } = await setup([{ name: 'node', path: NODE_BUILDER }]);
    assert.equal(await externalBuilders.restore('never:5555'), undefined);
  });

  test('a kept build whose builder is no longer configured fails to restore, naming both', async () => {
    const first = await setup([{ name: 'node', path: NODE_BUILDER }]);
    await first.externalBuilders.build('orphan:6666', await packageParts('external-node', 'orphan', recorderFiles()));
    const second = await setup([{ name: 'renamed', path: NODE_BUILDER }], {}, first.root);
    await assert.rejects(second.externalBuilders.restore('orphan:6666'), (err: unknown) => {
      assert.ok(err instanceof ExternalBuilderError);
      assert.equal(err.code, 'BUILDER_UNAVAILABLE');
      assert.equal(err.message, "chaincode 'orphan:6666' was already built with builder 'node', but that builder is no longer available");
      return true;
    });
  });
});

describe('external builder helpers', () => {
  test("builderEnv: the propagated variables and Fabric's defaults that are set, nothing else", () => {
    const env = { PATH: '/bin', HOME: '/root', LIBPATH: '', FOO: 'x', CORE_PEER_ID: 'p' };
    assert.deepEqual(builderEnv(['FOO', 'NOPE'], env), { FOO: 'x', PATH: '/bin', LIBPATH: '' });
  });

  test('packageIdPath replaces the characters Fabric replaces, and refuses dot names', () => {
    assert.equal(packageIdPath('mycc:0a1b'), 'mycc-0a1b');
    assert.equal(packageIdPath('a<b>c"d/e\\f|g?h*i&j'), 'a-b-c-d-e-f-g-h-i-j');
    assert.throws(() => packageIdPath('..'), (err: unknown) => err instanceof ExternalBuilderError && err.code === 'BAD_PACKAGE_ID');
  });
});
