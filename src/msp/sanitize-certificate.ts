import type { KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { curveOrderOf, encodeEcdsaSignature, isLowS, parseEcdsaSignature } from './ecdsa-signature.js';
import { SignedCertificate } from './signed-certificate.js';

/** ecdsa-with-SHA1/224/256/384/512. */
const ECDSA_SIGNATURE_OIDS = new Set(['1.2.840.10045.4.1', '1.2.840.10045.4.3.1', '1.2.840.10045.4.3.2', '1.2.840.10045.4.3.3', '1.2.840.10045.4.3.4']);

/**
 * The certificate with its ECDSA signature in canonical low-S DER, as Fabric's sanitizeCert makes
 * it. Anyone can turn a valid signature into its high-S twin, so without this one certificate
 * would have two encodings: two identity ids, two admin matches, one signer counted twice.
 * `issuerKey` gives the curve order; the certificate is returned as is when it is not ECDSA-signed.
 */
export function sanitizeCertificate(der: Uint8Array, issuerKey: KeyObject | undefined): Uint8Array {
  const order = issuerKey === undefined ? undefined : curveOrderOf(issuerKey);
  if (order === undefined) return der;
  let cert: SignedCertificate;
  try {
    cert = AsnConvert.parse(der, SignedCertificate);
  } catch {
    return der;
  }
  if (!ECDSA_SIGNATURE_OIDS.has(cert.signatureAlgorithm.algorithm)) return der;
  const signature = new Uint8Array(cert.signatureValue);
  const parsed = parseEcdsaSignature(signature);
  if (parsed === undefined) return der;
  const canonical = encodeEcdsaSignature(parsed.r, isLowS(parsed.s, order) ? parsed.s : order - parsed.s);
  if (Buffer.from(canonical).equals(signature)) return der;
  cert.signatureValue = canonical.buffer;
  return new Uint8Array(AsnConvert.serialize(cert));
}
