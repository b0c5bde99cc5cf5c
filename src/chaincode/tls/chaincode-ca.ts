import { webcrypto, X509Certificate } from 'node:crypto';
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

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 24 * 3600 * 1000;
// Clocks of the peer and a chaincode's host may differ a little.
const BACKDATE_MS = 5 * 60_000;

type X509 = typeof import('@peculiar/x509');

/**
 * The CA the peer trusts for chaincode client certificates. It is kept on disk (not made per start)
 * so that credentials issued for dev-mode chaincode by the CLI stay valid across peer restarts.
 */
export class ChaincodeCa {
  /** The x509 library, loaded by the first certificate issued (it costs ~60 ms to load). */
  private x509: Promise<X509> | undefined;

  private constructor(
    private readonly key: webcrypto.CryptoKey,
    /** The CA certificate, PEM: what the chaincode listener checks client certificates against. */
    readonly certPem: string,
  ) {}

  /** Loads the CA kept in `dir`; creates it there when there is none yet. */
  static async loadOrCreate(dir: string): Promise<ChaincodeCa> {
    const existing = await ChaincodeCa.read(dir);
    if (existing !== undefined) return existing;
    const x509 = await loadX509();
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serialNumber(),
      name: 'CN=weft chaincode client CA',
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + 10 * 365 * DAY_MS),
      keys: keys as never,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ],
    });
    const certPem = cert.toString('pem');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(dir, CA_KEY_FILE), await privateKeyPem(keys.privateKey), { mode: 0o600 });
    await writeFile(join(dir, CA_CERT_FILE), certPem);
    const ca = new ChaincodeCa(keys.privateKey, certPem);
    ca.x509 = Promise.resolve(x509);
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
      const der = Buffer.from(keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
      const key = await webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign']);
      // Node's parser is enough to refuse a damaged certificate at start.
      new X509Certificate(certPem);
      return new ChaincodeCa(key, certPem);
    } catch (err) {
      throw new ChaincodeCaError('CA_UNREADABLE', `the chaincode CA in ${dir} cannot be read: ${errorMessage(err)}`, { cause: err });
    }
  }

  /** A fresh client key and certificate with `commonName` (a chaincode's name:version), signed by this CA. */
  async issue(commonName: string): Promise<PemPair> {
    this.x509 ??= loadX509();
    const x509 = await this.x509;
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
    const issuer = new x509.X509Certificate(this.certPem);
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialNumber(),
      subject: `CN=${escapeRdn(commonName)}`,
      issuer: issuer.subject,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + 365 * DAY_MS),
      publicKey: keys.publicKey as never,
      signingKey: this.key as never,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      ],
    });
    return { keyPem: await privateKeyPem(keys.privateKey), certPem: cert.toString('pem') };
  }
}

async function loadX509(): Promise<X509> {
  // The x509 library's dependency injection needs the Reflect metadata API loaded first.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  // The x509 library speaks WebCrypto; node's implementation is that API (typed apart from the DOM's).
  x509.cryptoProvider.set(webcrypto as never);
  return x509;
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
}

function serialNumber(): string {
  // Positive (top bit clear), as DER integers for serials must be.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

/** Chaincode names may hold characters that mean something in a distinguished name. */
function escapeRdn(value: string): string {
  return value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
}
