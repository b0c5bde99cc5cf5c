import { webcrypto } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** Files of a throw-away TLS CA and a peer server certificate it signed, for 127.0.0.1 and localhost. */
export interface TestTlsFiles {
  rootCert: string;
  serverCert: string;
  serverKey: string;
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
}

/** Makes a TLS root CA and a server certificate with IP SAN 127.0.0.1, written as PEM files into `dir`. */
export async function makeTestTls(dir: string): Promise<TestTlsFiles> {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as never);
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + 24 * 3600_000);
  const caKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=test tls root',
    notBefore,
    notAfter,
    keys: caKeys as never,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const serverKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=peer0',
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: serverKeys.publicKey as never,
    signingKey: caKeys.privateKey as never,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  await mkdir(dir, { recursive: true });
  const files = { rootCert: join(dir, 'ca.crt'), serverCert: join(dir, 'server.crt'), serverKey: join(dir, 'server.key') };
  await writeFile(files.rootCert, ca.toString('pem'));
  await writeFile(files.serverCert, server.toString('pem'));
  await writeFile(files.serverKey, await pkcs8Pem(serverKeys.privateKey));
  return files;
}

/** A core.yaml turning TLS on with the given files (relative ones are taken from its folder). */
export async function writeTlsCoreYaml(cfgDir: string, tls: { cert: string; key: string; rootcert: string }): Promise<void> {
  await mkdir(cfgDir, { recursive: true });
  const yaml = [
    'peer:',
    '  tls:',
    '    enabled: true',
    `    cert:\n      file: ${tls.cert}`,
    `    key:\n      file: ${tls.key}`,
    `    rootcert:\n      file: ${tls.rootcert}`,
    '',
  ].join('\n');
  await writeFile(join(cfgDir, 'core.yaml'), yaml);
}
