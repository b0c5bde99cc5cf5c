import { sign, type KeyObject } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import {
  bitString,
  boolean,
  contextExplicit,
  directoryString,
  namedBits,
  objectIdentifier,
  octetString,
  sequence,
  setOf,
  smallInteger,
  tlv,
  time,
  unsignedInteger,
} from './der-encoder.js';

/** A subject or issuer, with the attributes cryptogen sets; empty lists are left out. */
export interface CertificateName {
  country: readonly string[];
  province: readonly string[];
  locality: readonly string[];
  streetAddress: readonly string[];
  postalCode: readonly string[];
  organization: readonly string[];
  organizationalUnit: readonly string[];
  commonName: string;
}

/** Key usage bits (RFC 5280 4.2.1.3). */
export const KeyUsage = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;
/** Extended key usage purposes. */
export const ExtKeyUsage = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

export interface CertificateTemplate {
  subject: CertificateName;
  /** The issuer's encoded subject; the subject's own for a self-signed certificate. */
  issuer?: Buffer;
  /** The certified key (SubjectPublicKeyInfo DER). */
  publicKey: Buffer;
  serialNumber: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  keyUsage: readonly number[];
  extKeyUsage: readonly string[];
  subjectKeyId?: Uint8Array;
  authorityKeyId?: Uint8Array;
  /** Host names and IP addresses (an entry that parses as an IP becomes an IP SAN, as cryptogen does). */
  alternateNames: readonly string[];
  /** The issuer's ECDSA P-256 key. */
  signer: KeyObject;
}

export interface IssuedCertificate {
  der: Buffer;
  pem: string;
  /** The encoded subject, the issuer of what this certificate signs. */
  subject: Buffer;
}

const OID = {
  country: '2.5.4.6',
  province: '2.5.4.8',
  locality: '2.5.4.7',
  streetAddress: '2.5.4.9',
  postalCode: '2.5.4.17',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  subjectAltName: '2.5.29.17',
} as const;

// The order of Go's pkix.Name.ToRDNSequence; several values of one attribute share one RDN.
const NAME_ORDER = ['country', 'province', 'locality', 'streetAddress', 'postalCode', 'organization', 'organizationalUnit'] as const;

export function encodeName(name: CertificateName): Buffer {
  const rdns: Buffer[] = [];
  for (const field of NAME_ORDER) {
    const values = name[field];
    if (values.length === 0) continue;
    rdns.push(setOf(...values.map((v) => sequence(objectIdentifier(OID[field]), directoryString(v)))));
  }
  if (name.commonName !== '') rdns.push(setOf(sequence(objectIdentifier(OID.commonName), directoryString(name.commonName))));
  return sequence(...rdns);
}

// P-256's group order; an ECDSA signature with s above half of it is made low-S, as Fabric wants.
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** Issues an X.509 v3 certificate shaped as Go's x509.CreateCertificate shapes cryptogen's. */
export function issueCertificate(t: CertificateTemplate): IssuedCertificate {
  const subject = encodeName(t.subject);
  const signatureAlgorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const tbs = sequence(
    contextExplicit(0, smallInteger(2)),
    unsignedInteger(t.serialNumber),
    signatureAlgorithm,
    t.issuer ?? subject,
    sequence(time(t.notBefore), time(t.notAfter)),
    subject,
    t.publicKey,
    contextExplicit(3, sequence(...extensions(t))),
  );
  const der = sequence(tbs, signatureAlgorithm, bitString(signLowS(tbs, t.signer)));
  return { der, pem: toPem('CERTIFICATE', der), subject };
}

function extensions(t: CertificateTemplate): Buffer[] {
  const ext = (oid: string, critical: boolean, value: Buffer): Buffer =>
    critical ? sequence(objectIdentifier(oid), boolean(true), octetString(value)) : sequence(objectIdentifier(oid), octetString(value));
  const out = [ext(OID.keyUsage, true, namedBits(t.keyUsage))];
  if (t.extKeyUsage.length > 0) out.push(ext(OID.extKeyUsage, false, sequence(...t.extKeyUsage.map(objectIdentifier))));
  out.push(ext(OID.basicConstraints, true, t.isCa ? sequence(boolean(true)) : sequence()));
  if (t.subjectKeyId !== undefined) out.push(ext(OID.subjectKeyId, false, octetString(t.subjectKeyId)));
  if (t.authorityKeyId !== undefined) out.push(ext(OID.authorityKeyId, false, sequence(tlv(0x80, t.authorityKeyId))));
  if (t.alternateNames.length > 0) out.push(ext(OID.subjectAltName, false, alternateNames(t.alternateNames)));
  return out;
}

/** DNS names first, then IP addresses, as Go writes them. */
function alternateNames(names: readonly string[]): Buffer {
  const dns: Buffer[] = [];
  const ips: Buffer[] = [];
  for (const name of names) {
    const ip = ipAddressBytes(name);
    if (ip === undefined) dns.push(tlv(0x82, Buffer.from(name, 'ascii')));
    else ips.push(tlv(0x87, ip));
  }
  return sequence(...dns, ...ips);
}

/** The 4 or 16 bytes of an IP address (an IPv4-mapped IPv6 address as 4), or undefined for a host name. */
export function ipAddressBytes(text: string): Buffer | undefined {
  if (isIPv4(text)) return Buffer.from(text.split('.').map((p) => Number.parseInt(p, 10)));
  // A host name has no colon; testing it first spares compiling node's large IPv6 pattern.
  if (!text.includes(':') || text.includes('%') || !isIPv6(text)) return undefined;
  let head = text;
  let v4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    v4 = text.slice(lastColon + 1).split('.').map((p) => Number.parseInt(p, 10));
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const all = [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  const bytes = Buffer.alloc(16);
  all.forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
  if (v4.length === 4) Buffer.from(v4).copy(bytes, 12);
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? Buffer.from(bytes.subarray(12)) : bytes;
}

function signLowS(data: Buffer, key: KeyObject): Buffer {
  const raw = sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
  const r = raw.subarray(0, 32);
  let s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
  if (s > P256_N / 2n) s = P256_N - s;
  return sequence(unsignedInteger(r), unsignedInteger(Buffer.from(s.toString(16).padStart(64, '0'), 'hex')));
}

/** PEM as Go's pem.Encode writes it: 64 characters a line, a final newline. */
export function toPem(type: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}
