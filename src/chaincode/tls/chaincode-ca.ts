import { createHash, createPrivateKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, WeftError } from '../../common/errors/weft-error.js';

export class ChaincodeCaError extends WeftError<'CA_NOT_FOUND' | 'CA_UNREADABLE'> {}

/** A key and its certificate, both PEM. */
export interface PemPair {
  keyPem: string;
  certPem: string;
}

export const CA_KEY_FILE = 'ca.key';
export const CA_CERT_FILE = 'ca.crt';

const CA_NAME = 'weft chaincode client CA';
const DAY_MS = 24 * 3600 * 1000;
// Clocks of the peer and a chaincode's host may differ a little.
const BACKDATE_MS = 5 * 60_000;

type Issuer = typeof import('../../msp/cryptogen/certificate.js');
type AsnX509 = typeof import('@peculiar/asn1-x509');

/**
 * The CA the peer trusts for chaincode client certificates. It is kept on disk (not made per start)
 * so that credentials issued for dev-mode chaincode by the CLI stay valid across peer restarts.
 * Certificates are made by the same code as cryptogen's, loaded only when one is made: a peer that
 * starts with its CA on disk and launches no chaincode never loads the ASN.1 encoder.
 */
export class ChaincodeCa {
  /** The CA's subject and key id, what names it in the certificates it signs: read from its certificate at the first issue. */
  private issuer: ReturnType<Issuer['issuerOf']> | undefined;

  private constructor(
    private readonly key: KeyObject,
    /** The CA certificate, PEM: what the chaincode listener checks client certificates against. */
    readonly certPem: string,
  ) {}

  /** Loads the CA kept in `dir`; creates it there when there is none yet. */
  static async loadOrCreate(dir: string): Promise<ChaincodeCa> {
    const existing = await ChaincodeCa.read(dir);
    if (existing !== undefined) return existing;
    const { generateKeyPair } = await import('../../msp/cryptogen/certificate-authority.js');
    const { issueCertificate, KeyUsageFlags } = await loadIssuer();
    const keys = generateKeyPair();
    const keyId = subjectKeyId(keys.publicKey);
    const now = Date.now();
    const cert = issueCertificate({
      subject: nameOf(CA_NAME),
      publicKey: keys.publicKey,
      serialNumber: randomBytes(16),
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + 10 * 365 * DAY_MS),
      isCa: true,
      keyUsage: [KeyUsageFlags.keyCertSign, KeyUsageFlags.cRLSign],
      extKeyUsage: [],
      subjectKeyId: keyId,
      alternateNames: [],
      signer: keys.privateKey,
    });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(dir, CA_KEY_FILE), keys.privateKeyPem, { mode: 0o600 });
    await writeFile(join(dir, CA_CERT_FILE), cert.pem);
    const ca = new ChaincodeCa(keys.privateKey, cert.pem);
    ca.issuer = { subject: cert.subject, subjectKeyId: keyId };
    return ca;
  }

  /** Loads the CA kept in `dir`; fails when the peer has not made one there yet. */
  static async load(dir: string): Promise<ChaincodeCa> {
    const ca = await ChaincodeCa.read(dir);
    if (ca === undefined) {
      throw new ChaincodeCaError('CA_NOT_FOUND', `no chaincode CA in ${dir}: start the peer once with peer.tls.enabled to create it`);
    }
    return ca;
  }

  private static async read(dir: string): Promise<ChaincodeCa | undefined> {
    let keyPem: string;
    let certPem: string;
    try {
      [keyPem, certPem] = await Promise.all([readFile(join(dir, CA_KEY_FILE), 'utf8'), readFile(join(dir, CA_CERT_FILE), 'utf8')]);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined;
      throw new ChaincodeCaError('CA_UNREADABLE', `cannot read the chaincode CA in ${dir}: ${errorMessage(err)}`, { cause: err });
    }
    try {
      const key = createPrivateKey(keyPem);
      const cert = new X509Certificate(certPem);
      if (!cert.checkPrivateKey(key)) throw new Error(`${CA_KEY_FILE} is not the key of ${CA_CERT_FILE}`);
      return new ChaincodeCa(key, certPem);
    } catch (err) {
      throw new ChaincodeCaError('CA_UNREADABLE', `the chaincode CA in ${dir} cannot be read: ${errorMessage(err)}`, { cause: err });
    }
  }

  /** A fresh client key and certificate with `commonName` (a chaincode's name:version), signed by this CA. */
  async issue(commonName: string): Promise<PemPair> {
    const { generateKeyPair } = await import('../../msp/cryptogen/certificate-authority.js');
    const { issueCertificate, KeyUsageFlags, id_kp_clientAuth, issuerOf } = await loadIssuer();
    this.issuer ??= issuerOf(new X509Certificate(this.certPem).raw);
    const keys = generateKeyPair();
    const now = Date.now();
    const cert = issueCertificate({
      subject: nameOf(commonName),
      issuer: this.issuer.subject,
      publicKey: keys.publicKey,
      serialNumber: randomBytes(16),
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + 365 * DAY_MS),
      isCa: false,
      keyUsage: [KeyUsageFlags.digitalSignature, KeyUsageFlags.keyAgreement],
      extKeyUsage: [id_kp_clientAuth],
      // A CA made before its certificates had a key id (by an older Weft) has none to name.
      authorityKeyId: this.issuer.subjectKeyId,
      alternateNames: [],
      signer: this.key,
    });
    return { keyPem: keys.privateKeyPem, certPem: cert.pem };
  }
}

async function loadIssuer(): Promise<Pick<Issuer, 'issueCertificate' | 'issuerOf'> & Pick<AsnX509, 'KeyUsageFlags' | 'id_kp_clientAuth'>> {
  const [{ issueCertificate, issuerOf }, { KeyUsageFlags, id_kp_clientAuth }] = await Promise.all([
    import('../../msp/cryptogen/certificate.js'),
    import('@peculiar/asn1-x509'),
  ]);
  return { issueCertificate, issuerOf, KeyUsageFlags, id_kp_clientAuth };
}

/** A name of one common name, nothing else. */
function nameOf(commonName: string): Parameters<Issuer['issueCertificate']>[0]['subject'] {
  return { country: [], province: [], locality: [], streetAddress: [], postalCode: [], organization: [], organizationalUnit: [], commonName };
}

/** SHA-256 of the public point (the SPKI's last 65 bytes), as cryptogen identifies its CAs' keys. */
function subjectKeyId(spki: Buffer): Buffer {
  return createHash('sha256').update(spki.subarray(spki.length - 65)).digest();
}
