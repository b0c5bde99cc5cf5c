import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeExit, exitCodeOf, exitSummary } from '../../../src/container/process/process-exit.js';
import { OutputTail } from '../../../src/container/process/output-tail.js';

describe('process exits', () => {
  test('a signal is reported as 128 + its number, as a shell does', () => {
    assert.equal(exitCodeOf(3, null), 3);
    assert.equal(exitCodeOf(null, 'SIGKILL'), 137);
    assert.equal(exitCodeOf(null, 'SIGTERM'), 143);
    assert.equal(exitCodeOf(null, null), -1);
  });

  test('the summary names the signal, also when npm passed it on as an exit code', () => {
    assert.equal(exitSummary({ exitCode: 143, signal: 'SIGTERM', lastLines: [] }), '143 (killed by SIGTERM)');
    assert.equal(exitSummary({ exitCode: 137, signal: null, lastLines: [] }), '137 (128 + SIGKILL: the chaincode was killed by SIGKILL)');
    assert.equal(exitSummary({ exitCode: 1, signal: null, lastLines: [] }), '1');
    assert.equal(describeExit({ exitCode: 1, signal: null, lastLines: ['a', 'b'] }), '1; last output:\n  a\n  b');
  });
});

describe('OutputTail', () => {
  test('splits chunks into lines per stream, drops colour codes and blank lines, keeps the last few', () => {
    const seen: string[] = [];
    const tail = new OutputTail(2, (line, stream) => seen.push(`${stream}: ${line}`));
    tail.push('stdout', 'one\ntw');
    tail.push('stderr', 'oops\n');
    tail.push('stdout', 'o\n\n\u001b[32minfo\u001b[39m three');
    tail.end();
    assert.deepEqual(seen, ['stdout: one', 'stderr: oops', 'stdout: two', 'stdout: info three']);
    assert.deepEqual(tail.last, ['two', 'info three']);
  });
});
