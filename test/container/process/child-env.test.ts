import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { envFromLines, inheritedEnv } from '../../../src/container/process/child-env.js';

describe('child environment', () => {
  test("a chaincode inherits PATH, HOME and npm settings, not the peer's CORE_* nor npm run's project", () => {
    const env = inheritedEnv({
      PATH: '/usr/bin',
      HOME: '/home/peer',
      CORE_PEER_ID: 'peer0',
      CORE_PEER_TLS_ENABLED: 'true',
      npm_config_registry: 'https://registry.example/',
      npm_config_local_prefix: '/opt/weft',
      HTTPS_PROXY: 'http://proxy:3128',
      SECRET_TOKEN: 'x',
    });
    assert.deepEqual(env, { PATH: '/usr/bin', HOME: '/home/peer', npm_config_registry: 'https://registry.example/', HTTPS_PROXY: 'http://proxy:3128' });
  });

  test('launch config lines become variables; a value may hold =', () => {
    assert.deepEqual(envFromLines(['A=1', 'B=x=y', 'junk', 'A=2']), { A: '2', B: 'x=y' });
  });
});
