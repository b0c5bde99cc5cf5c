import { AsnProp, AsnPropTypes } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509/build/cjs/algorithm_identifier.js';

/**
 * An X.509 certificate as its three outer parts, the signed part kept as the bytes it was
 * encoded in (ASN.1 ANY): a certificate re-encoded with a new signature must keep its signed
 * part byte for byte, which re-encoding asn1-x509's parsed TBSCertificate does not promise
 * (it drops a DEFAULT value encoded explicitly, for one).
 *
 * ```asn1
 * Certificate ::= SEQUENCE { tbsCertificate ANY, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
 * ```
 */
export class SignedCertificate {
  tbsCertificate: ArrayBuffer = new ArrayBuffer(0);
  signatureAlgorithm = new AlgorithmIdentifier();
  signatureValue: ArrayBuffer = new ArrayBuffer(0);

  constructor(params: Partial<SignedCertificate> = {}) {
    Object.assign(this, params);
  }
}

// The schema, declared as asn1-x509 declares its own (its decorators, applied as functions here).
AsnProp({ type: AsnPropTypes.Any })(SignedCertificate.prototype, 'tbsCertificate');
AsnProp({ type: AlgorithmIdentifier })(SignedCertificate.prototype, 'signatureAlgorithm');
AsnProp({ type: AsnPropTypes.BitString })(SignedCertificate.prototype, 'signatureValue');
