import { verify, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList } from '@peculiar/asn1-x509/build/cjs/certificate_list.js';
import { id_ce_authorityKeyIdentifier } from '@peculiar/asn1-x509/build/cjs/extensions/authority_key_identifier.js';
import { extensionValues, keyIdentifierOfAki } from './certificate-fields.js';
import { bigintOfOctets } from './integer-octets.js';
import { firstPemBlock } from './pem.js';

/**
 * A CRL as the MSP uses it: who issued it (its AuthorityKeyIdentifier, matched against a CA's
 * SubjectKeyIdentifier as Fabric does), which serial numbers it revokes, and a check of its
 * signature by that CA. node:crypto does not read CRLs, so @peculiar/asn1-x509's CertificateList does.
 */
export class RevocationList {
  private constructor(
    readonly authorityKeyIdentifier: Uint8Array | undefined,
    private readonly revoked: ReadonlySet<bigint>,
    private readonly tbs: Uint8Array,
    private readonly hash: string | null | undefined,
    private readonly signature: Uint8Array,
  ) {}

  /** A DER or PEM ("X509 CRL") CRL; throws when it cannot be read. */
  static parse(bytes: Uint8Array): RevocationList {
    const der = firstPemBlock(bytes)?.der ?? bytes;
    const list = AsnConvert.parse(der, CertificateList);
    const { tbsCertList, tbsCertListRaw } = list;
    // The signature covers the tbsCertList exactly as it was encoded, which the parser keeps.
    if (tbsCertListRaw === undefined) throw new Error('the CRL parser kept no tbsCertList bytes');
    const revoked = new Set((tbsCertList.revokedCertificates ?? []).map((entry) => bigintOfOctets(entry.userCertificate)));
    const aki = extensionValues(tbsCertList.crlExtensions ?? []).get(id_ce_authorityKeyIdentifier);
    return new RevocationList(
      aki === undefined ? undefined : keyIdentifierOfAki(aki),
      revoked,
      new Uint8Array(tbsCertListRaw),
      HASH_OF_ALGORITHM.get(list.signatureAlgorithm.algorithm),
      new Uint8Array(list.signature),
    );
  }

  revokes(serialNumber: bigint): boolean {
    return this.revoked.has(serialNumber);
  }

  /** Was this CRL signed by the holder of `issuerKey`? */
  isSignedBy(issuerKey: KeyObject): boolean {
    if (this.hash === undefined) return false;
    try {
      return verify(this.hash, this.tbs, issuerKey, this.signature);
    } catch {
      return false;
    }
  }
}

/** Signature algorithm OIDs to the hash node:crypto's verify takes; null for Ed25519. */
const HASH_OF_ALGORITHM: ReadonlyMap<string, string | null> = new Map([
  ['1.2.840.10045.4.3.2', 'sha256'], // ecdsa-with-SHA256
  ['1.2.840.10045.4.3.3', 'sha384'],
  ['1.2.840.10045.4.3.4', 'sha512'],
  ['1.2.840.10045.4.1', 'sha1'],
  ['1.2.840.113549.1.1.11', 'sha256'], // sha256WithRSAEncryption
  ['1.2.840.113549.1.1.12', 'sha384'],
  ['1.2.840.113549.1.1.13', 'sha512'],
  ['1.2.840.113549.1.1.5', 'sha1'],
  ['1.3.101.112', null], // Ed25519
]);
