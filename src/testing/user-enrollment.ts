import { createHash, createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, KeyUsageFlags } from '@peculiar/asn1-x509';
import { issueCertificate } from '../msp/cryptogen/certificate.js';
import { generateKeyPair } from '../msp/cryptogen/certificate-authority.js';


/**
 * Issues a client user of an organisation made by cryptogen, after the fact: a key and a
 * certificate signed by the organisation's CA (its ca/ folder), with the `client` NodeOU and the
 * subject cryptogen gives its users (`<user>@<domain>`), written as cryptogen writes a user's MSP
 * folder (users/<user>@<domain>/msp). Resolves that folder.
 */
export async function enrollUser(orgDir: string, domain: string, user: string): Promise<string> {
  const caDir = join(orgDir, 'ca');
  const caCertFile = (await readdir(caDir)).find((f) => f.endsWith('-cert.pem'));
  if (caCertFile === undefined) throw new Error(`${caDir} holds no CA certificate`);
  const caPem = await readFile(join(caDir, caCertFile), 'utf8');
  const caCert = new X509Certificate(caPem);
  const caName = AsnConvert.parse(caCert.raw, Certificate).tbsCertificate.subject;
  const caKey = createPrivateKey(await readFile(join(caDir, 'priv_sk')));
  const caSpki = caCert.publicKey.export({ type: 'spki', format: 'der' });
  // cryptogen's subject key ID of its CA (RFC 7093 method 4): SHA-256 of the uncompressed point.
  const caKeyId = createHash('sha256').update(caSpki.subarray(caSpki.length - 65)).digest();

  const name = `${user}@${domain}`;
  const keys = generateKeyPair();
  // The CA's own validity, as cryptogen gives its leaves: Fabric's MSP checks the chain as of the
  // leaf's notBefore, which must not come before the CA's.
  const notBefore = new Date(caCert.validFrom);
  const cert = issueCertificate({
    subject: { country: ['US'], province: ['California'], locality: ['San Francisco'], streetAddress: [], postalCode: [], organization: [], organizationalUnit: ['client'], commonName: name },
    issuer: caName,
    publicKey: keys.publicKey,
    serialNumber: randomBytes(16),
    notBefore,
    notAfter: new Date(caCert.validTo),
    isCa: false,
    keyUsage: [KeyUsageFlags.digitalSignature],
    extKeyUsage: [],
    authorityKeyId: caKeyId,
    alternateNames: [],
    signer: caKey,
  });

  const mspDir = join(orgDir, 'users', name, 'msp');
  await Promise.all(['signcerts', 'keystore', 'cacerts'].map((d) => mkdir(join(mspDir, d), { recursive: true })));
  await Promise.all([
    writeFile(join(mspDir, 'signcerts', `${name}-cert.pem`), cert.pem),
    writeFile(join(mspDir, 'keystore', 'priv_sk'), keys.privateKeyPem, { mode: 0o600 }),
    writeFile(join(mspDir, 'cacerts', caCertFile), caPem),
    copyFile(join(orgDir, 'msp', 'config.yaml'), join(mspDir, 'config.yaml')),
  ]);
  return mspDir;
}
