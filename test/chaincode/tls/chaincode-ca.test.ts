import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { caCertGenerator } from '../../../src/chaincode/tls/ca-cert-generator.js';
import { ChaincodeCa, ChaincodeCaError } from '../../../src/chaincode/tls/chaincode-ca.js';
import { OpensslCa } from '../../helpers/openssl-ca.js';
import { tempDir } from '../../helpers/temp-dir.js';

const run = promisify(execFile);

/** `openssl verify` of a client certificate against the CA in `dir`: what a TLS server checks, by code that is not Weft's. */
async function opensslVerifiesClient(dir: string, certPem: string): Promise<void> {
  const certFile = join(dir, 'client.crt');
  await writeFile(certFile, certPem);
  const { stdout } = await run('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), '-purpose', 'sslclient', certFile]);
  assert.match(stdout, /: OK$/m);
}

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

  test('what it issues passes openssl verify as a TLS client certificate, from a CA it made or one made by openssl', async () => {
    const dir = await tempDir('weft-ca-');
    const ca = await ChaincodeCa.loadOrCreate(dir);
    await opensslVerifiesClient(dir, (await ca.issue('mycc:1.0')).certPem);

    // A CA whose key id is not computed as Weft computes one: the issued certificates name the CA's own.
    const foreignDir = await tempDir('weft-ca-openssl-');
    await OpensslCa.create(foreignDir, '/CN=another chaincode CA');
    const foreign = await ChaincodeCa.load(foreignDir);
    const pair = await foreign.issue('mycc:1.0');
    assert.equal(new X509Certificate(pair.certPem).issuer, 'CN=another chaincode CA');
    await opensslVerifiesClient(foreignDir, pair.certPem);
  });

  test('load fails with CA_UNREADABLE when the kept key is not the certificate\'s', async () => {
    const dir = await tempDir('weft-ca-');
    await ChaincodeCa.loadOrCreate(dir);
    const other = await tempDir('weft-ca-other-');
    await ChaincodeCa.loadOrCreate(other);
    await writeFile(join(dir, 'ca.key'), await readFile(join(other, 'ca.key')));
    await assert.rejects(ChaincodeCa.load(dir), (err: unknown) => err instanceof ChaincodeCaError && err.code === 'CA_UNREADABLE' && /not the key of ca\.crt/.test(err.message));
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
