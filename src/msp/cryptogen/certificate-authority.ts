import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { KeyUsageFlags, id_kp_clientAuth, id_kp_serverAuth } from '@peculiar/asn1-x509';
import { issueCertificate, type CertificateName, type IssuedCertificate } from './certificate.js';
import type { NodeSpec } from './crypto-config.js';

/** An ECDSA P-256 key pair with the encodings cryptogen writes. */
export interface KeyPair {
  privateKey: KeyObject;
  /** PKCS#8 PEM, the content of a priv_sk file. */
  privateKeyPem: string;
  /** SubjectPublicKeyInfo DER. */
  publicKey: Buffer;
}

export function generateKeyPair(): KeyPair {
  // Synchronous: a P-256 key takes a fraction of a millisecond, less than a hop to the thread pool.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }),
  };
}

/** What a certificate issued by the CA certifies. */
export interface CertificateRequest {
  commonName: string;
  /** Appended to the CA's own OU (a NodeOU: client, peer, admin, orderer). */
  organizationalUnits: readonly string[];
  alternateNames: readonly string[];
  publicKey: Buffer;
  keyUsage: readonly KeyUsageFlags[];
  extKeyUsage: readonly string[];
}

const TEN_YEARS_MS = 3650 * 24 * 3600 * 1000;

/** A self-signed CA as cryptogen makes one per organization (one signing CA, one TLS CA). */
export class CertificateAuthority {
  private constructor(
    readonly name: string,
    readonly keys: KeyPair,
    readonly certificate: IssuedCertificate,
    private readonly spec: NodeSpec,
    private readonly subjectKeyId: Buffer,
    private readonly notBefore: Date,
  ) {}

  /** A new CA named `name` (its CN) for organization `organization`, the spec giving C/ST/L/OU/street/postal code. */
  static create(opts: { name: string; organization: string; spec: NodeSpec; now: Date }): CertificateAuthority {
    const keys = generateKeyPair();
    // RFC 7093 method 4 as cryptogen computes it: SHA-256 of the uncompressed point (the SPKI's last 65 bytes).
    const subjectKeyId = createHash('sha256').update(keys.publicKey.subarray(keys.publicKey.length - 65)).digest();
    const notBefore = validFrom(opts.now);
    const certificate = issueCertificate({
      subject: { ...subjectBase(opts.spec, []), organization: [opts.organization], commonName: opts.name },
      publicKey: keys.publicKey,
      serialNumber: randomBytes(16),
      notBefore,
      notAfter: new Date(notBefore.getTime() + TEN_YEARS_MS),
      isCa: true,
      keyUsage: [KeyUsageFlags.digitalSignature, KeyUsageFlags.keyEncipherment, KeyUsageFlags.keyCertSign, KeyUsageFlags.cRLSign],
      extKeyUsage: [id_kp_clientAuth, id_kp_serverAuth],
      subjectKeyId,
      alternateNames: [],
      signer: keys.privateKey,
    });
    return new CertificateAuthority(opts.name, keys, certificate, opts.spec, subjectKeyId, notBefore);
  }

  /** Issues a leaf certificate: the CA's C/ST/L (and OU, street, postal code), no O, ten years. */
  sign(req: CertificateRequest): IssuedCertificate {
    return issueCertificate({
      subject: { ...subjectBase(this.spec, req.organizationalUnits), organization: [], commonName: req.commonName },
      issuer: this.certificate.subject,
      publicKey: req.publicKey,
      serialNumber: randomBytes(16),
      notBefore: this.notBefore,
      notAfter: new Date(this.notBefore.getTime() + TEN_YEARS_MS),
      isCa: false,
      keyUsage: req.keyUsage,
      extKeyUsage: req.extKeyUsage,
      authorityKeyId: this.subjectKeyId,
      alternateNames: req.alternateNames,
      signer: this.keys.privateKey,
    });
  }
}

/** cryptogen's subject defaults (US, California, San Francisco), overridden by the CA spec. */
function subjectBase(spec: NodeSpec, extraOus: readonly string[]): Omit<CertificateName, 'organization' | 'commonName'> {
  const one = (v: string | undefined, fallback?: string): string[] => {
    const value = v === undefined || v === '' ? fallback : v;
    return value === undefined ? [] : [value];
  };
  return {
    country: one(spec.country, 'US'),
    province: one(spec.province, 'California'),
    locality: one(spec.locality, 'San Francisco'),
    streetAddress: one(spec.streetAddress),
    postalCode: one(spec.postalCode),
    organizationalUnit: [...one(spec.organizationalUnit), ...extraOus],
  };
}

/** Now rounded to the minute and backdated five minutes, as cryptogen dates its certificates. */
function validFrom(now: Date): Date {
  const minute = 60_000;
  return new Date(Math.floor((now.getTime() + minute / 2) / minute) * minute - 5 * minute);
}
