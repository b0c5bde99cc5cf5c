import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const EXAMPLES = fileURLToPath(new URL('../../../examples/testing/', import.meta.url));

/**
 * The README's Mocha and Jest examples of weft/testing, run as a user runs them: their own
 * `npm ci` (weft linked from this checkout, which the build has made), then `npm test`.
 */
test('the Mocha and the Jest examples of weft/testing pass under their own runners', { timeout: 600_000 }, async () => {
  await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: EXAMPLES, env: process.env, maxBuffer: 16 * 1024 * 1024 });
  const { stdout, stderr } = await run('npm', ['test'], { cwd: EXAMPLES, env: process.env, maxBuffer: 16 * 1024 * 1024 });
  const output = `${stdout}\n${stderr}`;
  assert.match(output, /1 passing/, output);
  assert.match(output, /Tests:\s+1 passed, 1 total/, output);
});
