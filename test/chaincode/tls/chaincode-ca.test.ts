import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { caCertGenerator } from '../../../src/chaincode/tls/ca-cert-generator.js';
import { ChaincodeCa, ChaincodeCaError } from '../../../src/chaincode/tls/chaincode-ca.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('ChaincodeCa', () => {
  test('is created on first use, kept with a private key file, and the same CA is loaded afterwards', async () => {
    const dir = join(await tempDir('weft-ca-'), 'tls');
    const first = await ChaincodeCa.loadOrCreate(dir);
    assert.equal((await stat(join(dir, 'ca.key'))).mode & 0o777, 0o600);
    const again = await ChaincodeCa.loadOrCreate(dir);
    assert.equal(again.certPem, first.certPem);
    assert.equal((await ChaincodeCa.load(dir)).certPem, first.certPem);
    assert.ok(new X509Certificate(first.certPem).ca);
  });

  test('issues a client certificate that chains to the CA, named after the chaincode', async () => {
    const dir = await tempDir('weft-ca-');
    const ca = await ChaincodeCa.loadOrCreate(dir);
    const pair = await ca.issue('kvcc:1.0');
    const cert = new X509Certificate(pair.certPem);
    const caCert = new X509Certificate(ca.certPem);
    assert.equal(cert.subject, 'CN=kvcc:1.0');
    assert.ok(cert.checkIssued(caCert));
    assert.ok(cert.verify(caCert.publicKey));
    assert.ok(cert.checkPrivateKey(createPrivateKey(pair.keyPem)));
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    // A CA loaded back from disk signs just as well.
    const reloaded = await ChaincodeCa.load(dir);
    assert.ok(new X509Certificate((await reloaded.issue('other:2')).certPem).verify(caCert.publicKey));
  });

  test('the cert generator hands the pair over base64-encoded, as the shims read it', async () => {
    const ca = await ChaincodeCa.loadOrCreate(await tempDir('weft-ca-'));
    const generator = caCertGenerator({ issuer: ca, rootCertPem: Buffer.from('root') });
    const { key, cert } = await generator.generate('mycc:1.0');
    assert.match(Buffer.from(key, 'base64').toString(), /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(new X509Certificate(Buffer.from(cert, 'base64').toString()).subject, 'CN=mycc:1.0');
    assert.equal(Buffer.from(generator.rootCert).toString(), 'root');
  });

  test('load fails with CA_UNREADABLE, naming the folder, when the kept certificate is damaged', async () => {
    const dir = await tempDir('weft-ca-');
    await ChaincodeCa.loadOrCreate(dir);
    await writeFile(join(dir, 'ca.crt'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    await assert.rejects(
      ChaincodeCa.load(dir),
      (err: unknown) => err instanceof ChaincodeCaError && err.code === 'CA_UNREADABLE' && err.message.includes(dir),
    );
  });

  test('load fails with CA_NOT_FOUND where no CA was made', async () => {
    await assert.rejects(ChaincodeCa.load(await tempDir('weft-ca-')), (err: unknown) => err instanceof ChaincodeCaError && err.code === 'CA_NOT_FOUND');
  });
});
