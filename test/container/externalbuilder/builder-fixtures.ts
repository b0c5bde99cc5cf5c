import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readChaincodePackage } from '../../../src/client/chaincode-package.js';
import type { CodePackageParts } from '../../../src/container/externalbuilder/external-builders.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** Weft's test builder (test/fixtures/externalbuilder/node-builder), from dist/test/container/externalbuilder. */
export const NODE_BUILDER = fileURLToPath(new URL('../../../../test/fixtures/externalbuilder/node-builder', import.meta.url));

/** A builder of the test's own in a fresh folder: each given step a POSIX sh script body. */
export async function writeBuilder(scripts: Partial<Record<'detect' | 'build' | 'release' | 'run', string>>): Promise<string> {
  const dir = await tempDir('weft-ext-builder-');
  await mkdir(join(dir, 'bin'));
  for (const [step, body] of Object.entries(scripts)) {
    const file = join(dir, 'bin', step);
    await writeFile(file, `#!/bin/sh\nset -eu\n${body}\n`);
    await chmod(file, 0o755);
  }
  return dir;
}

/** An install package's parts: metadata.json of `type` and a code.tar.gz of `files` (path -> text). */
export async function packageParts(type: string, label: string, files: Record<string, string>): Promise<CodePackageParts> {
  const dir = await tempDir('weft-ext-src-');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return { metadataJson: JSON.stringify({ type, path: '', label }), codePackage: await readChaincodePackage(dir) };
}

/**
 * A chaincode for the run tests: it records what it was started with (chaincode.json, its
 * environment, its arguments) into $RECORD_DIR/<chaincode_id>.json, then does what its
 * `behaviour` file says: `exit N`, `stubborn` (ignores SIGTERM), or waits to be stopped.
 */
export function recorderFiles(behaviour = 'wait'): Record<string, string> {
  return {
    'package.json': JSON.stringify({ name: 'recorder', version: '1.0.0', main: 'index.js' }),
    behaviour,
    'index.js': `'use strict';
const fs = require('fs');
const path = require('path');
const config = JSON.parse(fs.readFileSync(process.env.CHAINCODE_JSON, 'utf8'));
if (process.env.RECORD_DIR) {
  const file = path.join(process.env.RECORD_DIR, config.chaincode_id.replace(/[^A-Za-z0-9.-]/g, '-') + '.json');
  fs.writeFileSync(file + '.tmp', JSON.stringify({ config, env: process.env, argv: process.argv, pid: process.pid }));
  fs.renameSync(file + '.tmp', file);
}
const behaviour = fs.readFileSync(path.join(__dirname, 'behaviour'), 'utf8').trim();
// The handler is in place before the line the tests wait for: a stop may follow it at once.
if (behaviour === 'stubborn') process.on('SIGTERM', () => console.error('recorder: ignoring SIGTERM'));
console.log('recorder: up as ' + config.chaincode_id);
if (behaviour.startsWith('exit ')) {
  console.error('recorder: exiting as asked');
  process.exit(Number(behaviour.slice(5)));
}
setInterval(() => {}, 1000);
`,
  };
}
