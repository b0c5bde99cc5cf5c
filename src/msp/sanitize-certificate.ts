import type { KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { curveOrderOf, encodeEcdsaSignature, isLowS, parseEcdsaSignature } from './ecdsa-signature.js';
import { SignedCertificate } from './signed-certificate.js';

/** ecdsa-with-SHA1/224/256/384/512. */
const ECDSA_SIGNATURE_OIDS = new Set(['1.2.840.10045.4.1', '1.2.840.10045.4.3.1', '1.2.840.10045.4.3.2', '1.2.840.10045.4.3.3', '1.2.840.10045.4.3.4']);

/**
 * The certificate `der` (read as `signed`) with its ECDSA signature in canonical low-S DER, as
 * Fabric's sanitizeCert makes it. Anyone can turn a valid signature into its high-S twin, so
 * without this one certificate would have two encodings: two identity ids, two admin matches, one
 * signer counted twice. `issuerKey` gives the curve order; `der` is returned as is when it is not
 * ECDSA-signed or already canonical.
 */
export function sanitizeCertificate(der: Uint8Array, signed: SignedCertificate, issuerKey: KeyObject | undefined): Uint8Array {
  const order = issuerKey === undefined ? undefined : curveOrderOf(issuerKey);
  if (order === undefined || !ECDSA_SIGNATURE_OIDS.has(signed.signatureAlgorithm.algorithm)) return der;
  const signature = new Uint8Array(signed.signatureValue);
  const parsed = parseEcdsaSignature(signature);
  if (parsed === undefined) return der;
  const canonical = encodeEcdsaSignature(parsed.r, isLowS(parsed.s, order) ? parsed.s : order - parsed.s);
  if (Buffer.from(canonical).equals(signature)) return der;
  return new Uint8Array(AsnConvert.serialize(new SignedCertificate({ tbsCertificate: signed.tbsCertificate, signatureAlgorithm: signed.signatureAlgorithm, signatureValue: canonical.buffer })));
}
