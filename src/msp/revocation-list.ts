import { verify, type KeyObject } from 'node:crypto';
import { childrenOf, contentOf, expectTlv, integerOf, oidHex, readTlv, TAG, wholeOf } from './der.js';
import { extensionsOf, keyIdentifierOfAki, OID } from './certificate-fields.js';
import { firstPemBlock } from './pem.js';

/**
 * A CRL as the MSP uses it: who issued it (its AuthorityKeyIdentifier, matched against a CA's
 * SubjectKeyIdentifier as Fabric does), which serial numbers it revokes, and a check of its
 * signature by that CA. Read with the MSP's own small DER reader: identity validation is
 * synchronous, and this keeps a dependency off the start path of every peer.
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
    const list = expectTlv(der, readTlv(der, 0), TAG.SEQUENCE, 'CertificateList');
    const [tbs, algorithm, signature] = childrenOf(der, list);
    const tbsTlv = expectTlv(der, tbs, TAG.SEQUENCE, 'tbsCertList');
    const parts = childrenOf(der, tbsTlv);
    let i = parts[0]?.tag === TAG.INTEGER ? 1 : 0; // version
    i += 3; // signature algorithm, issuer, thisUpdate
    const next = parts[i];
    if (next?.tag === TAG.UTC_TIME || next?.tag === TAG.GENERALIZED_TIME) i++;
    const revoked = new Set<bigint>();
    const entries = parts[i];
    if (entries?.tag === TAG.SEQUENCE) {
      for (const entry of childrenOf(der, entries)) {
        const serial = expectTlv(der, childrenOf(der, entry)[0], TAG.INTEGER, 'revoked serial');
        revoked.add(integerOf(der, serial));
      }
    }
    const extensions = parts.find((p) => p.tag === 0xa0);
    const ext = extensions === undefined ? undefined : extensionsOf(der, expectTlv(der, childrenOf(der, extensions)[0], TAG.SEQUENCE, 'crlExtensions'));
    const aki = ext?.get(OID.AUTHORITY_KEY_IDENTIFIER);
    const algorithmOid = oidHex(der, expectTlv(der, childrenOf(der, expectTlv(der, algorithm, TAG.SEQUENCE, 'signatureAlgorithm'))[0], TAG.OID, 'algorithm'));
    const bits = contentOf(der, expectTlv(der, signature, TAG.BIT_STRING, 'signatureValue'));
    return new RevocationList(aki === undefined ? undefined : keyIdentifierOfAki(aki), revoked, wholeOf(der, tbsTlv), HASH_OF_ALGORITHM.get(algorithmOid), bits.subarray(1));
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

/** Signature algorithm OIDs (content hex) to the hash node:crypto's verify takes; null for Ed25519. */
const HASH_OF_ALGORITHM: ReadonlyMap<string, string | null> = new Map([
  ['2a8648ce3d040302', 'sha256'], // ecdsa-with-SHA256
  ['2a8648ce3d040303', 'sha384'],
  ['2a8648ce3d040304', 'sha512'],
  ['2a8648ce3d0401', 'sha1'],
  ['2a864886f70d01010b', 'sha256'], // sha256WithRSAEncryption
  ['2a864886f70d01010c', 'sha384'],
  ['2a864886f70d01010d', 'sha512'],
  ['2a864886f70d010105', 'sha1'],
  ['2b6570', null], // Ed25519
]);
