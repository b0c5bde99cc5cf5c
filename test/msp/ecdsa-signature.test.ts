import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { curveOrderOf, encodeEcdsaSignature, isLowS, lowSDerEncoder, parseEcdsaSignature } from '../../src/msp/ecdsa-signature.js';

describe('lowSDerEncoder', () => {
  for (const namedCurve of ['prime256v1', 'secp384r1', 'secp521r1']) {
    test(`${namedCurve}: the DER form of the low-S signature, byte for byte as the ASN.1 encoder writes it, and it verifies`, () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
      const order = curveOrderOf(privateKey);
      assert.ok(order !== undefined);
      let flipped = 0;
      for (let i = 0; i < 64; i++) {
        const message = Buffer.from(`message ${i}`);
        const raw = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        const half = raw.length / 2;
        const r = BigInt(`0x${raw.subarray(0, half).toString('hex')}`);
        const s = BigInt(`0x${raw.subarray(half).toString('hex')}`);
        if (!isLowS(s, order)) flipped++;
        const der = lowSDerEncoder(order)(raw);
        assert.deepEqual(Buffer.from(der), Buffer.from(encodeEcdsaSignature(r, isLowS(s, order) ? s : order - s)));
        const parsed = parseEcdsaSignature(der);
        assert.ok(parsed !== undefined && isLowS(parsed.s, order));
        assert.ok(verify('sha256', message, publicKey, der));
      }
      // About half of all signatures have a high s: both branches ran.
      assert.ok(flipped > 0 && flipped < 64, `high-S signatures: ${flipped} of 64`);
    });
  }
});
