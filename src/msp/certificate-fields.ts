import { childrenOf, contentOf, DerError, expectTlv, integerOf, oidHex, readTlv, TAG, timeOf, type Tlv } from './der.js';

/** The parts of an X.509 certificate the MSP reads that node:crypto's X509Certificate does not give. */
export interface CertificateFields {
  readonly serialNumber: bigint;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subject's OU values, in their order in the certificate. */
  readonly organizationalUnits: readonly string[];
  readonly subjectKeyIdentifier: Uint8Array | undefined;
  readonly authorityKeyIdentifier: Uint8Array | undefined;
}

// OID content bytes in hex.
export const OID = {
  ORGANIZATIONAL_UNIT: '55040b',
  SUBJECT_KEY_IDENTIFIER: '551d0e',
  AUTHORITY_KEY_IDENTIFIER: '551d23',
} as const;

/** Reads the fields of a DER certificate; throws DerError when it is not one. */
export function readCertificateFields(der: Uint8Array): CertificateFields {
  const cert = expectTlv(der, readTlv(der, 0), TAG.SEQUENCE, 'certificate');
  const tbs = expectTlv(der, childrenOf(der, cert)[0], TAG.SEQUENCE, 'tbsCertificate');
  const parts = childrenOf(der, tbs);
  // [0] version is optional (absent means v1).
  let i = parts[0]?.tag === 0xa0 ? 1 : 0;
  const serial = expectTlv(der, parts[i++], TAG.INTEGER, 'serialNumber');
  i += 2; // signature algorithm, issuer
  const validity = childrenOf(der, expectTlv(der, parts[i++], TAG.SEQUENCE, 'validity'));
  const subject = expectTlv(der, parts[i++], TAG.SEQUENCE, 'subject');
  const [notBefore, notAfter] = validity;
  if (notBefore === undefined || notAfter === undefined) throw new DerError('validity: two times expected');
  const extensions = parts.find((p) => p.tag === 0xa3);
  const ext = extensions === undefined ? new Map<string, Uint8Array>() : extensionsOf(der, expectTlv(der, childrenOf(der, extensions)[0], TAG.SEQUENCE, 'extensions'));
  const ski = ext.get(OID.SUBJECT_KEY_IDENTIFIER);
  const aki = ext.get(OID.AUTHORITY_KEY_IDENTIFIER);
  return {
    serialNumber: integerOf(der, serial),
    notBefore: timeOf(der, notBefore),
    notAfter: timeOf(der, notAfter),
    organizationalUnits: attributesOf(der, subject, OID.ORGANIZATIONAL_UNIT),
    subjectKeyIdentifier: ski === undefined ? undefined : contentOf(ski, expectTlv(ski, readTlv(ski, 0), TAG.OCTET_STRING, 'subjectKeyIdentifier')),
    authorityKeyIdentifier: aki === undefined ? undefined : keyIdentifierOfAki(aki),
  };
}

/** Extension values (the DER inside each extnValue OCTET STRING) by OID. */
export function extensionsOf(der: Uint8Array, list: Tlv): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const extension of childrenOf(der, list)) {
    const fields = childrenOf(der, expectTlv(der, extension, TAG.SEQUENCE, 'extension'));
    const oid = expectTlv(der, fields[0], TAG.OID, 'extnID');
    const value = expectTlv(der, fields[fields.length - 1], TAG.OCTET_STRING, 'extnValue');
    out.set(oidHex(der, oid), contentOf(der, value));
  }
  return out;
}

/** The keyIdentifier [0] of an AuthorityKeyIdentifier; undefined when it names its issuer otherwise. */
export function keyIdentifierOfAki(aki: Uint8Array): Uint8Array | undefined {
  const seq = expectTlv(aki, readTlv(aki, 0), TAG.SEQUENCE, 'authorityKeyIdentifier');
  const keyId = childrenOf(aki, seq).find((t) => t.tag === 0x80);
  return keyId === undefined ? undefined : contentOf(aki, keyId);
}

/** The values of one attribute type in a Name (SEQUENCE OF SET OF AttributeTypeAndValue). */
function attributesOf(der: Uint8Array, name: Tlv, oid: string): string[] {
  const values: string[] = [];
  for (const rdn of childrenOf(der, name)) {
    for (const atv of childrenOf(der, expectTlv(der, rdn, TAG.SET, 'RDN'))) {
      const [type, value] = childrenOf(der, expectTlv(der, atv, TAG.SEQUENCE, 'attribute'));
      if (type === undefined || value === undefined || oidHex(der, type) !== oid) continue;
      values.push(decodeString(value.tag, contentOf(der, value)));
    }
  }
  return values;
}

function decodeString(tag: number, content: Uint8Array): string {
  // BMPString is UTF-16BE; UTF8String is UTF-8; the rest (Printable, IA5, T61) are single bytes.
  if (tag === 0x1e) return Buffer.from(content).swap16().toString('utf16le');
  if (tag === 0x0c) return Buffer.from(content).toString('utf8');
  return Buffer.from(content).toString('latin1');
}
