import { createPrivateKey, createPublicKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../common/errors/weft-error.js';
import { SerializedIdentity } from '../common/protos/msp.js';
import { curveOrderOf, lowSDerEncoder } from './ecdsa-signature.js';
import { MspError } from './msp-error.js';
import { firstPemBlock } from './pem.js';

export { MspError };

/** An identity that signs: its MSP, its X.509 certificate, and the key that signs for it. */
export interface SigningIdentity {
  mspId: string;
  certificatePem: string;
  /** The SerializedIdentity (mspid + PEM certificate) that goes into proposals as their creator. */
  serialize(): Uint8Array;
  /** ECDSA over SHA-256 (DER, low-S as Fabric requires), or Ed25519 over the message itself. */
  sign(message: Uint8Array): Uint8Array;
}

/**
 * The signing identity of a Fabric MSP folder: the certificate in signcerts/ and its private key
 * in keystore/, whatever their file names (cryptogen writes `User1@org1.example.com-cert.pem` and
 * `priv_sk`; Fabric CA writes `cert.pem` and `<ski>_sk`). Of several keys, the one matching the
 * certificate is used.
 */
export async function loadSigningIdentity(mspDir: string, mspId: string): Promise<SigningIdentity> {
  const signcerts = join(mspDir, 'signcerts');
  const first = (await pemFilesIn(signcerts, 'CERTIFICATE'))[0];
  if (first === undefined) throw new MspError('MSP_UNREADABLE', `could not load a valid signer certificate from directory ${signcerts}: it holds no PEM certificate`);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(first.text);
  } catch (err) {
    throw new MspError('MSP_UNREADABLE', `the certificate ${first.file} cannot be read: ${errorMessage(err)}`, { cause: err });
  }
  const key = await keyOf(join(mspDir, 'keystore'), certificate.publicKey);
  return signingIdentity(mspId, first.text, key);
}

/** A SigningIdentity over a certificate and its key. */
export function signingIdentity(mspId: string, certificatePem: string, key: KeyObject): SigningIdentity {
  const order = curveOrderOf(key);
  const lowSDer = order === undefined ? undefined : lowSDerEncoder(order);
  const ed25519 = key.asymmetricKeyType === 'ed25519';
  let serialized: Uint8Array | undefined;
  return {
    mspId,
    certificatePem,
    serialize: (): Uint8Array => {
      if (serialized === undefined) {
        const id = new SerializedIdentity();
        id.setMspid(mspId);
        id.setIdBytes(Buffer.from(certificatePem));
        serialized = id.serializeBinary();
      }
      return serialized;
    },
    sign: (message: Uint8Array): Uint8Array => {
      if (ed25519) return sign(null, message, key);
      if (lowSDer === undefined) return sign('sha256', message, key);
      return lowSDer(sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' }));
    },
  };
}

/** The private key in `keystore` whose public half is `publicKey`. */
async function keyOf(keystore: string, publicKey: KeyObject): Promise<KeyObject> {
  const wanted = publicKey.export({ type: 'spki', format: 'der' });
  const files = await pemFilesIn(keystore, undefined);
  for (const { text } of files) {
    let key: KeyObject;
    try {
      key = createPrivateKey(text);
    } catch {
      continue;
    }
    if (createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(wanted)) return key;
  }
  throw new MspError('MSP_UNREADABLE', `no private key in ${keystore} matches the signing certificate`);
}

/** The files of `dir` (name order) holding a PEM block (of `label`, when given). */
async function pemFilesIn(dir: string, label: string | undefined): Promise<{ file: string; text: string }[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.isDirectory()).map((e) => e.name);
  } catch (err) {
    throw new MspError('MSP_UNREADABLE', `could not read directory ${dir}: ${errorMessage(err)}`, { cause: err });
  }
  const out: { file: string; text: string }[] = [];
  for (const name of names.sort()) {
    const file = join(dir, name);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      continue;
    }
    const block = firstPemBlock(bytes);
    if (block !== undefined && (label === undefined || block.label === label)) out.push({ file, text: bytes.toString('utf8') });
  }
  return out;
}
