import type { KeyObject } from 'node:crypto';
import { childrenOf, concatBytes, contentOf, encodeTlv, expectTlv, oidHex, readTlv, TAG, wholeOf } from './der.js';
import { curveOrderOf, encodeEcdsaSignature, isLowS, parseEcdsaSignature } from './ecdsa-signature.js';

/** ecdsa-with-SHA1/224/256/384/512 (content hex of 1.2.840.10045.4.1 and 4.3.x). */
const ECDSA_SIGNATURE_OIDS = new Set(['2a8648ce3d0401', '2a8648ce3d040301', '2a8648ce3d040302', '2a8648ce3d040303', '2a8648ce3d040304']);

/**
 * The certificate with its ECDSA signature in canonical low-S DER, as Fabric's sanitizeCert makes
 * it. Anyone can turn a valid signature into its high-S twin, so without this one certificate
 * would have two encodings: two identity ids, two admin matches, one signer counted twice.
 * `issuerKey` gives the curve order; the certificate is returned as is when it is not ECDSA-signed.
 */
export function sanitizeCertificate(der: Uint8Array, issuerKey: KeyObject | undefined): Uint8Array {
  const order = issuerKey === undefined ? undefined : curveOrderOf(issuerKey);
  if (order === undefined) return der;
  try {
    const cert = expectTlv(der, readTlv(der, 0), TAG.SEQUENCE, 'certificate');
    const [tbs, algorithm, signature] = childrenOf(der, cert);
    if (tbs === undefined || algorithm === undefined || signature?.tag !== TAG.BIT_STRING) return der;
    const oid = childrenOf(der, algorithm)[0];
    if (oid === undefined || !ECDSA_SIGNATURE_OIDS.has(oidHex(der, oid))) return der;
    const bits = contentOf(der, signature);
    const parsed = parseEcdsaSignature(bits.subarray(1));
    if (parsed === undefined) return der;
    const s = isLowS(parsed.s, order) ? parsed.s : order - parsed.s;
    const canonical = encodeEcdsaSignature(parsed.r, s);
    if (Buffer.from(canonical).equals(bits.subarray(1))) return der;
    const bitString = encodeTlv(TAG.BIT_STRING, concatBytes([Uint8Array.of(0), canonical]));
    return encodeTlv(TAG.SEQUENCE, concatBytes([wholeOf(der, tbs), wholeOf(der, algorithm), bitString]));
  } catch {
    return der;
  }
}
