import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeExit } from '../../../src/container/process/process-exit.js';
import { uncaughtErrorOf } from '../../../src/container/process/uncaught-error.js';

// node's own reports, as node 20 prints them.
const THROWN = [
  '/srv/cc/index.js:2',
  'throw new Error("cannot load: missing config");',
  '^',
  '',
  'Error: cannot load: missing config',
  '    at Object.<anonymous> (/srv/cc/index.js:2:7)',
  '    at Module._compile (node:internal/modules/cjs/loader:1521:14)',
  '',
  'Node.js v20.20.2',
];
const SYNTAX = [
  '/srv/cc/lib/contract.js:14',
  '  async Read(ctx, id {',
  '                    ^',
  '',
  "SyntaxError: Unexpected token '{'",
  '    at wrapSafe (node:internal/modules/cjs/loader:1464:18)',
  '    at Module._compile (node:internal/modules/cjs/loader:1495:20)',
];
const NOT_FOUND = [
  'node:internal/modules/cjs/loader:1210',
  '  throw err;',
  '  ^',
  '',
  "Error: Cannot find module './contracts'",
  'Require stack:',
  '- /srv/cc/index.js',
  '    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)',
  '    at Object.<anonymous> (/srv/cc/index.js:3:19)',
];

describe("a chaincode's uncaught exception, read from its last lines", () => {
  test('a thrown error: its first line and the throw site', () => {
    assert.deepEqual(uncaughtErrorOf(THROWN), { message: 'Error: cannot load: missing config', location: '/srv/cc/index.js:2' });
  });

  test("a syntax error: its first line and the file's line, though its stack is all node's", () => {
    assert.deepEqual(uncaughtErrorOf(SYNTAX), { message: "SyntaxError: Unexpected token '{'", location: '/srv/cc/lib/contract.js:14' });
  });

  test("a module not found: the site inside node gives way to the program's own frame", () => {
    assert.deepEqual(uncaughtErrorOf(NOT_FOUND), { message: "Error: Cannot find module './contracts'", location: '/srv/cc/index.js:3:19' });
  });

  test('output without a stack is no exception', () => {
    assert.equal(uncaughtErrorOf(['starting', 'Error connecting: refused', 'bye']), undefined);
  });

  test('the exit says the exception, not the tail of its stack; other output is quoted as before', () => {
    assert.equal(describeExit({ exitCode: 1, signal: null, lastLines: THROWN }), '1: Error: cannot load: missing config (at /srv/cc/index.js:2)');
    assert.equal(describeExit({ exitCode: 1, signal: null, lastLines: ['a', 'b'] }), '1; last output:\n  a\n  b');
  });
});
