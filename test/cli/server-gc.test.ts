import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SERVER_GC_FLAGS, tuneServerGc } from '../../src/cli/server-gc.js';

const run = promisify(execFile);

test('a node starting sets both marking triggers, which this node\'s V8 knows', async () => {
  const set: string[] = [];
  tuneServerGc({}, [], (flag) => set.push(flag));
  assert.deepEqual(set, ['--incremental-marking-soft-trigger=80', '--incremental-marking-hard-trigger=95']);
  // Node refuses an option its V8 does not have ("bad option"), so a V8 that renamed them fails here.
  const { stdout, stderr } = await run(process.execPath, [...SERVER_GC_FLAGS, '-e', 'process.stdout.write("started")']);
  assert.equal(stdout, 'started');
  assert.equal(stderr, '');
});

test('a trigger the user chose, in NODE_OPTIONS or in node\'s arguments, is left as it is', () => {
  const set: string[] = [];
  tuneServerGc({ NODE_OPTIONS: '--max-old-space-size=512 --incremental-marking-soft-trigger=50' }, [], (flag) => set.push(flag));
  tuneServerGc({}, ['--incremental_marking_hard_trigger=90'], (flag) => set.push(flag));
  assert.deepEqual(set, []);
});

test('the build\'s run that writes the code cache keeps V8\'s defaults, which the cache must match to be taken', () => {
  const set: string[] = [];
  tuneServerGc({ WEFT_WRITE_CODE_CACHE: '1' }, [], (flag) => set.push(flag));
  assert.deepEqual(set, []);
});
