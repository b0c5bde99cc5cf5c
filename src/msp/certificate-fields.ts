import { AsnConvert } from '@peculiar/asn1-schema';
import type { Extension, Name } from '@peculiar/asn1-x509';
import { Certificate } from '@peculiar/asn1-x509/build/cjs/certificate.js';
import { AuthorityKeyIdentifier, id_ce_authorityKeyIdentifier } from '@peculiar/asn1-x509/build/cjs/extensions/authority_key_identifier.js';
import { id_ce_subjectKeyIdentifier, SubjectKeyIdentifier } from '@peculiar/asn1-x509/build/cjs/extensions/subject_key_identifier.js';
import { bigintOfOctets } from './integer-octets.js';
import { SignedCertificate } from './signed-certificate.js';

/** The parts of an X.509 certificate the MSP reads that node:crypto's X509Certificate does not give. */
export interface CertificateFields {
  readonly serialNumber: bigint;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subject's OU values, in their order in the certificate. */
  readonly organizationalUnits: readonly string[];
  readonly subjectKeyIdentifier: Uint8Array | undefined;
  readonly authorityKeyIdentifier: Uint8Array | undefined;
  /** Its outer parts (the signed part as encoded), which sanitizing re-encodes: one parse serves both. */
  readonly signed: SignedCertificate;
}

/** id-at-organizationalUnitName. */
const ID_AT_ORGANIZATIONAL_UNIT = '2.5.4.11';

/** Reads the fields of a DER certificate; throws when it is not one. */
export function readCertificateFields(der: Uint8Array): CertificateFields {
  const cert = AsnConvert.parse(der, Certificate);
  const tbs = cert.tbsCertificate;
  if (cert.tbsCertificateRaw === undefined) throw new Error('the certificate parser kept no tbsCertificate bytes');
  const extensions = extensionValues(tbs.extensions ?? []);
  const ski = extensions.get(id_ce_subjectKeyIdentifier);
  const aki = extensions.get(id_ce_authorityKeyIdentifier);
  return {
    serialNumber: bigintOfOctets(tbs.serialNumber),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    organizationalUnits: attributeValues(tbs.subject, ID_AT_ORGANIZATIONAL_UNIT),
    subjectKeyIdentifier: ski === undefined ? undefined : new Uint8Array(AsnConvert.parse(ski, SubjectKeyIdentifier).buffer),
    authorityKeyIdentifier: aki === undefined ? undefined : keyIdentifierOfAki(aki),
    signed: new SignedCertificate({ tbsCertificate: cert.tbsCertificateRaw, signatureAlgorithm: cert.signatureAlgorithm, signatureValue: cert.signatureValue }),
  };
}

/** Extension values (the DER inside each extnValue OCTET STRING) by OID; of repeated OIDs, the last. */
export function extensionValues(extensions: readonly Extension[]): Map<string, ArrayBuffer> {
  return new Map(extensions.map((extension) => [extension.extnID, extension.extnValue.buffer]));
}

/** The keyIdentifier of an AuthorityKeyIdentifier; undefined when it names its issuer otherwise. */
export function keyIdentifierOfAki(aki: ArrayBuffer): Uint8Array | undefined {
  const keyIdentifier = AsnConvert.parse(aki, AuthorityKeyIdentifier).keyIdentifier;
  return keyIdentifier === undefined ? undefined : new Uint8Array(keyIdentifier.buffer);
}

/** The values of one attribute type in a Name, as strings (UTF8, Printable, IA5, Teletex, BMP...). */
function attributeValues(name: Name, type: string): string[] {
  return name.flatMap((rdn) => rdn.filter((attribute) => attribute.type === type).map((attribute) => attribute.value.toString()));
}
