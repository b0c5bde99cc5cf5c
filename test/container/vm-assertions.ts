import assert from 'node:assert/strict';
import { ChaincodeError } from '../../src/chaincode/chaincode-error.js';

/** Resolves with the first log line matching `pattern` once it is logged; fails with the whole log if it never is. */
export async function logLine(lines: readonly string[], pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = lines.find((l) => pattern.test(l));
    if (line !== undefined) return line;
    if (Date.now() > deadline) assert.fail(`no log line matches ${String(pattern)}; the log:\n${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** For assert.rejects: a launch that failed (LAUNCH_FAILED) saying what `pattern` matches. */
export function launchFailure(pattern: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof ChaincodeError, `not a ChaincodeError: ${String(err)}`);
    assert.equal(err.code, 'LAUNCH_FAILED');
    assert.match(err.message, pattern);
    return true;
  };
}
