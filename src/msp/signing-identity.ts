import { createPrivateKey, sign, webcrypto, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import identitiesPb from '@hyperledger/fabric-protos/lib/msp/identities_pb.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { MspError } from './msp-error.js';

export { MspError };

/** A client identity: its MSP, its X.509 certificate, and the key that signs for it. */
export interface SigningIdentity {
  mspId: string;
  certificatePem: string;
  /** The SerializedIdentity (mspid + PEM certificate) that goes into proposals as their creator. */
  serialize(): Uint8Array;
  /** An ECDSA signature over `message` with SHA-256, DER-encoded, as Fabric signs. */
  sign(message: Uint8Array): Uint8Array;
}

const CERT_FILE = join('signcerts', 'cert.pem');
const KEY_FILE = join('keystore', 'priv_sk');

/**
 * The identity kept in an MSP folder (Fabric's layout: signcerts/cert.pem, keystore/priv_sk).
 * When the folder holds none, a development identity is made there: an ECDSA P-256 key and a
 * self-signed certificate, the way a dev network's cryptogen would give one.
 */
export async function loadSigningIdentity(mspDir: string, mspId: string): Promise<SigningIdentity> {
  let certificatePem: string;
  let keyPem: string;
  try {
    [certificatePem, keyPem] = await Promise.all([readFile(join(mspDir, CERT_FILE), 'utf8'), readFile(join(mspDir, KEY_FILE), 'utf8')]);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') {
      throw new MspError('MSP_UNREADABLE', `cannot read the MSP at ${mspDir}: ${errorMessage(err)}`, { cause: err });
    }
    ({ certificatePem, keyPem } = await createDevIdentity(mspDir, mspId));
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw new MspError('MSP_UNREADABLE', `the key at ${join(mspDir, KEY_FILE)} cannot be read: ${errorMessage(err)}`, { cause: err });
  }
  return {
    mspId,
    certificatePem,
    serialize: () => {
      const id = new identitiesPb.SerializedIdentity();
      id.setMspid(mspId);
      id.setIdBytes(Buffer.from(certificatePem));
      return id.serializeBinary();
    },
    sign: (message) => sign('sha256', message, key),
  };
}

async function createDevIdentity(mspDir: string, mspId: string): Promise<{ certificatePem: string; keyPem: string }> {
  // The x509 library's dependency injection needs the Reflect metadata API loaded first.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  // The x509 library speaks WebCrypto; node's implementation is that API (typed apart from the DOM's).
  const crypto = webcrypto;
  x509.cryptoProvider.set(crypto as never);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex'),
    name: `CN=Admin@${mspId.toLowerCase()}.weft.local, OU=client, O=${mspId}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000),
    keys: keys as never,
    signingAlgorithm: algorithm,
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
  const certificatePem = cert.toString('pem');
  await mkdir(join(mspDir, 'signcerts'), { recursive: true });
  await mkdir(join(mspDir, 'keystore'), { recursive: true, mode: 0o700 });
  await writeFile(join(mspDir, KEY_FILE), keyPem, { mode: 0o600 });
  await writeFile(join(mspDir, CERT_FILE), certificatePem);
  return { certificatePem, keyPem };
}
