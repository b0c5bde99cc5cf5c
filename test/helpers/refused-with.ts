import assert from 'node:assert/strict';
import type { WeftError } from '../../src/common/errors/weft-error.js';

/** For assert.throws / assert.rejects: an error of `type` with this code and a message matching `pattern`. */
export function refusedWith(type: abstract new (...args: never[]) => WeftError, code: string, pattern: RegExp): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof type, `expected a ${type.name}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}
