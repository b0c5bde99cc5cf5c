import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '../../src/common/config/config-error.js';
import { chaincodeCaDir, loadPeerTls } from '../../src/peer/peer-tls.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestTls } from '../helpers/test-tls.js';

const tlsDefaults = { enabled: true, clientAuthRequired: false, clientRootCAFiles: [], clientCertFile: '', clientKeyFile: '' };

describe('loadPeerTls', () => {
  test('reads the peer TLS files and creates the chaincode CA under the file system path', async () => {
    const dir = await tempDir('weft-tls-');
    const files = await makeTestTls(join(dir, 'tls'));
    const tls = await loadPeerTls({ ...tlsDefaults, certFile: files.serverCert, keyFile: files.serverKey, rootCertFile: files.rootCert }, join(dir, 'data'));
    assert.match(tls.certPem.toString(), /BEGIN CERTIFICATE/);
    assert.match(tls.rootCertPem.toString(), /BEGIN CERTIFICATE/);
    assert.ok((await stat(join(chaincodeCaDir(join(dir, 'data')), 'ca.crt'))).isFile());
  });

  test('an unset or unreadable file is a config error naming its key', async () => {
    const dir = await tempDir('weft-tls-');
    const files = await makeTestTls(join(dir, 'tls'));
    const base = { ...tlsDefaults, certFile: files.serverCert, keyFile: files.serverKey, rootCertFile: files.rootCert };
    await assert.rejects(loadPeerTls({ ...base, keyFile: '' }, dir), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.code, 'CONFIG_INVALID_VALUE');
      assert.equal(err.message, 'peer.tls.key.file must be set when peer.tls.enabled is true');
      return true;
    });
    const missing = join(dir, 'nope.crt');
    await assert.rejects(loadPeerTls({ ...base, rootCertFile: missing }, dir), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, new RegExp(`^peer\\.tls\\.rootcert\\.file: cannot read ${missing}: `));
      return true;
    });
  });
});
