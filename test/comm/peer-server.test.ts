import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isLocalCaller } from '../../src/comm/peer-server.js';

describe('isLocalCaller', () => {
  test('accepts loopback and unix-socket callers, in the forms grpc-js names them', () => {
    for (const peer of ['127.0.0.1:4242', 'ipv4:127.0.0.1:4242', '127.1.2.3:1', '[::1]:4242', 'ipv6:[::1]:4242', '[::ffff:127.0.0.1]:9', 'unix:/tmp/s']) {
      assert.equal(isLocalCaller(peer), true, peer);
    }
  });

  test('refuses every other address', () => {
    for (const peer of ['10.0.0.5:4242', 'ipv4:192.168.1.2:1', '[2001:db8::1]:4242', '[::ffff:10.0.0.1]:9', '128.0.0.1:1', '']) {
      assert.equal(isLocalCaller(peer), false, peer);
    }
  });
});
