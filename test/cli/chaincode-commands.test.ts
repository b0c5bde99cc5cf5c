import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCtor, responseText } from '../../src/cli/chaincode-commands.js';
import { CliError } from '../../src/cli/cli-error.js';
import { Response } from '../../src/common/protos/peer.js';

describe('the -c argument of weft chaincode', () => {
  test('reads {"Args":[...]} and {"Function":..., "Args":[...]}, keys in any case', () => {
    const text = (args: Uint8Array[]) => args.map((a) => Buffer.from(a).toString());
    assert.deepEqual(text(parseCtor('{"Args":["put","a","1"]}')), ['put', 'a', '1']);
    assert.deepEqual(text(parseCtor('{"function":"put","args":["a"]}')), ['put', 'a']);
    assert.deepEqual(text(parseCtor('{"Args":[]}')), []);
  });

  test('refuses what is not JSON, or whose Args are not strings, naming the input', () => {
    assert.throws(() => parseCtor('{"Args":'), (err: unknown) => err instanceof CliError && err.message.startsWith('chaincode argument error: '));
    assert.throws(() => parseCtor('{"Args":[1,2]}'), /expected \{"Args":\["function","arg",\.\.\.\]\}, got \{"Args":\[1,2\]\}/);
    assert.throws(() => parseCtor('[]'), /expected/);
  });
});

describe('responseText', () => {
  test("prints a Response the way Fabric's CLI does", () => {
    const r = new Response();
    r.setStatus(200);
    r.setPayload(Buffer.from('ok'));
    assert.equal(responseText(r), 'status:200 payload:"ok"');
    const e = new Response();
    e.setStatus(500);
    e.setMessage('no "such" key');
    assert.equal(responseText(e), 'status:500 message:"no \\"such\\" key"');
  });
});
