import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError } from '../../src/client/client-error.js';
import { rethrowGrpcError } from '../../src/client/grpc-error.js';

/** An error shaped as grpc-js's ServiceError: an Error with a numeric gRPC status `code`. */
function serviceError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code, details: message, metadata: {} });
}

function mapped(err: unknown, withoutStatus?: ClientError['code']): ClientError {
  try {
    rethrowGrpcError(err, 'calling the peer', withoutStatus);
  } catch (thrown) {
    assert.ok(thrown instanceof ClientError);
    return thrown;
  }
}

test('a gRPC status becomes the ClientError code a caller decides on', () => {
  assert.equal(mapped(serviceError(14, '14 UNAVAILABLE: No connection established')).code, 'PEER_UNREACHABLE');
  assert.equal(mapped(serviceError(4, '4 DEADLINE_EXCEEDED: deadline')).code, 'PEER_UNREACHABLE');
  assert.equal(mapped(serviceError(7, '7 PERMISSION_DENIED: refused')).code, 'ACCESS_DENIED');
  assert.equal(mapped(serviceError(16, '16 UNAUTHENTICATED: who')).code, 'ACCESS_DENIED');
  assert.equal(mapped(serviceError(13, '13 INTERNAL: boom')).code, 'CALL_FAILED');
});

test('the message names the call, then the gRPC error; the cause is kept', () => {
  const original = serviceError(7, '7 PERMISSION_DENIED: refused');
  const err = mapped(original);
  assert.equal(err.message, 'calling the peer: 7 PERMISSION_DENIED: refused');
  assert.equal(err.cause, original);
});

test('an error without a gRPC status gets the code given for it, CALL_FAILED by default', () => {
  assert.equal(mapped(new Error('Failed to connect before the deadline'), 'PEER_UNREACHABLE').code, 'PEER_UNREACHABLE');
  assert.equal(mapped(new Error('something else')).code, 'CALL_FAILED');
  assert.equal(mapped(Object.assign(new Error('ENOENT'), { code: 'ENOENT' })).code, 'CALL_FAILED');
});

test('a ClientError passes through unchanged', () => {
  const err = new ClientError('CALL_FAILED', 'the orderer closed the broadcast without an answer');
  assert.equal(mapped(err), err);
});

test("a Deliver stream's final status becomes the ClientError code a caller decides on", async () => {
  const { deliverStatusError } = await import('../../src/client/grpc-error.js');
  const codes = [400, 403, 404, 503, 500, 999].map((s) => deliverStatusError(s, 'deliver').code);
  assert.deepEqual(codes, ['BAD_REQUEST', 'ACCESS_DENIED', 'NOT_FOUND', 'SERVICE_UNAVAILABLE', 'CALL_FAILED', 'CALL_FAILED']);
  assert.equal(deliverStatusError(403, 'deliver from peer0 on channel ch').message, 'deliver from peer0 on channel ch: status FORBIDDEN');
  assert.equal(deliverStatusError(999, 'deliver').message, 'deliver: status 999');
});
