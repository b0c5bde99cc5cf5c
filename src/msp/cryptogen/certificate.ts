import { sign, type KeyObject } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { ECDSASigValue, id_ecdsaWithSHA256 } from '@peculiar/asn1-ecc';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  type KeyUsageFlags,
} from '@peculiar/asn1-x509';
import { toPem } from '../pem.js';

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

export interface CertificateTemplate {
  subject: CertificateName;
  /** The issuer's subject; the subject's own for a self-signed certificate. */
  issuer?: Name;
  /** The certified key (SubjectPublicKeyInfo DER). */
  publicKey: Buffer;
  serialNumber: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  keyUsage: readonly KeyUsageFlags[];
  /** Extended key usage OIDs (id_kp_serverAuth, id_kp_clientAuth). */
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
  /** The subject, the issuer of what this certificate signs. */
  subject: Name;
}

// Attribute types (X.520); Go's pkix.Name.ToRDNSequence writes them in this order, several values
// of one attribute sharing one RDN.
const NAME_ATTRIBUTES = [
  ['country', '2.5.4.6'],
  ['province', '2.5.4.8'],
  ['locality', '2.5.4.7'],
  ['streetAddress', '2.5.4.9'],
  ['postalCode', '2.5.4.17'],
  ['organization', '2.5.4.10'],
  ['organizationalUnit', '2.5.4.11'],
] as const;
const COMMON_NAME = '2.5.4.3';

function nameOf(name: CertificateName): Name {
  const rdns: RelativeDistinguishedName[] = [];
  for (const [field, oid] of NAME_ATTRIBUTES) {
    const values = name[field];
    if (values.length > 0) rdns.push(rdnOf(oid, values));
  }
  if (name.commonName !== '') rdns.push(rdnOf(COMMON_NAME, [name.commonName]));
  return new Name(rdns);
}

/** One RDN, its values in the order of their encodings: the library keeps a SET OF as given, DER sorts it. */
function rdnOf(type: string, values: readonly string[]): RelativeDistinguishedName {
  const attributes = values.map((v) => new AttributeTypeAndValue({ type, value: directoryString(v) }));
  if (attributes.length === 1) return new RelativeDistinguishedName(attributes);
  const encoded = attributes.map((attribute) => ({ attribute, der: Buffer.from(AsnConvert.serialize(attribute)) }));
  encoded.sort((a, b) => Buffer.compare(a.der, b.der));
  return new RelativeDistinguishedName(encoded.map((e) => e.attribute));
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** A directory string as Go's encoder writes one: PrintableString when it can be, else UTF8String. */
function directoryString(value: string): AttributeValue {
  return new AttributeValue(PRINTABLE.test(value) ? { printableString: value } : { utf8String: value });
}

// P-256's group order; an ECDSA signature with s above half of it is made low-S, as Fabric wants.
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** Issues an X.509 v3 certificate shaped as Go's x509.CreateCertificate shapes cryptogen's. */
export function issueCertificate(t: CertificateTemplate): IssuedCertificate {
  const subject = nameOf(t.subject);
  const signatureAlgorithm = new AlgorithmIdentifier({ algorithm: id_ecdsaWithSHA256 });
  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: integerOctets(t.serialNumber),
    signature: signatureAlgorithm,
    issuer: t.issuer ?? subject,
    // UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5), to the second.
    validity: new Validity({ notBefore: t.notBefore, notAfter: t.notAfter }),
    subject,
    subjectPublicKeyInfo: AsnConvert.parse(t.publicKey, SubjectPublicKeyInfo),
    extensions: extensions(t),
  });
  const tbs = AsnConvert.serialize(tbsCertificate);
  const certificate = new Certificate({ tbsCertificate, signatureAlgorithm, signatureValue: signLowS(tbs, t.signer) });
  const der = Buffer.from(AsnConvert.serialize(certificate));
  return { der, pem: toPem('CERTIFICATE', der), subject };
}

/** What a CA's certificate (DER) gives the certificates its key signs: their issuer, and their authority key id when it has a subject key id. */
export function issuerOf(der: Uint8Array): { subject: Name; subjectKeyId: Buffer | undefined } {
  const tbs = AsnConvert.parse(der, Certificate).tbsCertificate;
  const ski = tbs.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  const subjectKeyId = ski === undefined ? undefined : Buffer.from(AsnConvert.parse(ski.extnValue.buffer, SubjectKeyIdentifier).buffer);
  return { subject: tbs.subject, subjectKeyId };
}

/** Go's extensions, in Go's order; key usage and basic constraints critical. */
function extensions(t: CertificateTemplate): Extensions {
  const ext = (extnID: string, critical: boolean, value: object): Extension =>
    new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
  const keyUsage = t.keyUsage.reduce((bits, flag) => bits | flag, 0);
  const out = [ext(id_ce_keyUsage, true, new KeyUsage(keyUsage))];
  if (t.extKeyUsage.length > 0) out.push(ext(id_ce_extKeyUsage, false, new ExtendedKeyUsage([...t.extKeyUsage])));
  // A leaf's cA (default FALSE) is left out: an empty SEQUENCE, as Go writes it.
  out.push(ext(id_ce_basicConstraints, true, new BasicConstraints({ cA: t.isCa })));
  if (t.subjectKeyId !== undefined) out.push(ext(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(t.subjectKeyId)));
  if (t.authorityKeyId !== undefined) {
    const aki = new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(t.authorityKeyId) });
    out.push(ext(id_ce_authorityKeyIdentifier, false, aki));
  }
  if (t.alternateNames.length > 0) out.push(ext(id_ce_subjectAltName, false, alternateNames(t.alternateNames)));
  return new Extensions(out);
}

/** DNS names first, then IP addresses, as Go writes them. */
function alternateNames(names: readonly string[]): SubjectAlternativeName {
  const dns: GeneralName[] = [];
  const ips: GeneralName[] = [];
  for (const name of names) {
    const ip = ipAddressBytes(name);
    if (ip === undefined) dns.push(new GeneralName({ dNSName: name }));
    else ips.push(new GeneralName({ iPAddress: ipText(ip) }));
  }
  return new SubjectAlternativeName([...dns, ...ips]);
}

/**
 * The address as the library's IP converter reads it back into the same 4 or 16 bytes: dotted
 * quad, or eight hexadecimal groups (its parser knows neither an embedded IPv4 part nor a zone).
 */
function ipText(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/** The 4 or 16 bytes of an IP address (an IPv4-mapped IPv6 address as 4), or undefined for a host name. */
export function ipAddressBytes(text: string): Buffer | undefined {
  if (isIPv4(text)) return Buffer.from(text.split('.').map((p) => Number.parseInt(p, 10)));
  // A host name has no colon; testing it first spares compiling node's large IPv6 pattern.
  if (!text.includes(':') || text.includes('%') || !isIPv6(text)) return undefined;
  const bytes = ipv6Bytes(text);
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? Buffer.from(bytes.subarray(12)) : bytes;
}

/** The 16 bytes of a valid IPv6 address, "::" expanded, a trailing dotted IPv4 part included. */
function ipv6Bytes(text: string): Buffer {
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
  return bytes;
}

/** The ECDSA-Sig-Value of a SHA-256 signature over `data`, s made low as Fabric requires. */
function signLowS(data: ArrayBuffer, key: KeyObject): ArrayBuffer {
  const raw = sign('sha256', new Uint8Array(data), { key, dsaEncoding: 'ieee-p1363' });
  let s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
  if (s > P256_N / 2n) s = P256_N - s;
  const sBytes = Buffer.from(s.toString(16).padStart(64, '0'), 'hex');
  return AsnConvert.serialize(new ECDSASigValue({ r: integerOctets(raw.subarray(0, 32)), s: integerOctets(sBytes) }));
}

/**
 * A non-negative INTEGER's content octets from its big-endian magnitude: the library writes the
 * octets it is given, so leading zeros go and a 0 goes first where the top bit is set.
 */
function integerOctets(magnitude: Uint8Array): ArrayBuffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const bytes = magnitude.subarray(start);
  const pad = bytes.length === 0 || (bytes[0] ?? 0) >= 0x80;
  const out = new Uint8Array(bytes.length + (pad ? 1 : 0));
  out.set(bytes, pad ? 1 : 0);
  return out.buffer;
}
