import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { curveOrderOf, encodeEcdsaSignature, isLowS, lowSDerChecker, lowSDerEncoder, parseEcdsaSignature } from '../../src/msp/ecdsa-signature.js';

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

describe('lowSDerChecker', () => {
  /** What the check must answer: a strict DER parse, r and s above zero, s at most half the order. */
  const expected = (signature: Uint8Array, order: bigint): boolean => {
    const parsed = parseEcdsaSignature(signature);
    return parsed !== undefined && isLowS(parsed.s, order);
  };
  const der = (...parts: number[][]): Uint8Array => Uint8Array.from(parts.flat());

  for (const namedCurve of ['prime256v1', 'secp384r1', 'secp521r1']) {
    test(`${namedCurve}: accepts low-S signatures and refuses their high-S twins, as the BigInt rule does`, () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve });
      const order = curveOrderOf(privateKey);
      assert.ok(order !== undefined);
      const check = lowSDerChecker(order);
      let high = 0;
      for (let i = 0; i < 64; i++) {
        const raw = sign('sha256', Buffer.from(`message ${i}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
        const half = raw.length / 2;
        const r = BigInt(`0x${raw.subarray(0, half).toString('hex')}`);
        const s = BigInt(`0x${raw.subarray(half).toString('hex')}`);
        const low: bigint = isLowS(s, order) ? s : order - s;
        assert.equal(check(encodeEcdsaSignature(r, low)), true);
        assert.equal(check(encodeEcdsaSignature(r, order - low)), false, 'the high-S twin');
        if (!isLowS(s, order)) high++;
      }
      assert.ok(high > 0 && high < 64);
      // The boundary: s of exactly half the order passes, one more does not.
      assert.equal(check(encodeEcdsaSignature(1n, order >> 1n)), true);
      assert.equal(check(encodeEcdsaSignature(1n, (order >> 1n) + 1n)), false);
    });
  }

  test('refuses what is not strict DER, r or s of zero, negative, padded or trailing, as the reference parser does', () => {
    const order = curveOrderOf(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
    assert.ok(order !== undefined);
    const check = lowSDerChecker(order);
    const cases: Array<[string, Uint8Array]> = [
      ['empty', new Uint8Array(0)],
      ['a good one', der([0x30, 6], [0x02, 1, 5], [0x02, 1, 7])],
      ['not a SEQUENCE', der([0x31, 6], [0x02, 1, 5], [0x02, 1, 7])],
      ['a byte after the SEQUENCE', der([0x30, 6], [0x02, 1, 5], [0x02, 1, 7], [0])],
      ['a byte after s inside the SEQUENCE', der([0x30, 7], [0x02, 1, 5], [0x02, 1, 7], [0])],
      ['a SEQUENCE longer than the input', der([0x30, 7], [0x02, 1, 5], [0x02, 1, 7])],
      ['r of zero', der([0x30, 6], [0x02, 1, 0], [0x02, 1, 7])],
      ['s of zero', der([0x30, 6], [0x02, 1, 5], [0x02, 1, 0])],
      ['an empty r', der([0x30, 5], [0x02, 0], [0x02, 1, 7])],
      ['a negative s', der([0x30, 6], [0x02, 1, 5], [0x02, 1, 0x81])],
      ['a needless leading zero', der([0x30, 7], [0x02, 1, 5], [0x02, 2, 0, 0x7f])],
      ['a needed leading zero', der([0x30, 7], [0x02, 1, 5], [0x02, 2, 0, 0x80])],
      ['a long-form length under 128', der([0x30, 0x81, 6], [0x02, 1, 5], [0x02, 1, 7])],
      ['an indefinite length', der([0x30, 0x80], [0x02, 1, 5], [0x02, 1, 7], [0, 0])],
      ['a length with a leading zero byte', der([0x30, 0x82, 0, 6], [0x02, 1, 5], [0x02, 1, 7])],
      ['s as a BIT STRING', der([0x30, 6], [0x02, 1, 5], [0x03, 1, 7])],
      ['s cut short', der([0x30, 6], [0x02, 1, 5], [0x02, 2, 7])],
    ];
    for (const [what, signature] of cases) assert.equal(check(signature), expected(signature, order), what);
    assert.equal(check(cases[1]?.[1] ?? new Uint8Array(0)), true);
    assert.equal(check(cases[11]?.[1] ?? new Uint8Array(0)), true);
  });

  test('agrees with the reference parser on a thousand mutations of real signatures', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const order = curveOrderOf(privateKey);
    assert.ok(order !== undefined);
    const check = lowSDerChecker(order);
    let accepted = 0;
    for (let i = 0; i < 1000; i++) {
      const good = new Uint8Array(sign('sha256', randomBytes(16), privateKey));
      const bytes = Array.from(good);
      const at = (randomBytes(1)[0] ?? 0) % bytes.length;
      const kind = i % 4;
      if (kind === 0) bytes[at] = randomBytes(1)[0] ?? 0;
      else if (kind === 1) bytes.splice(at, 1);
      else if (kind === 2) bytes.splice(at, 0, randomBytes(1)[0] ?? 0);
      const signature = Uint8Array.from(bytes);
      const answer = check(signature);
      assert.equal(answer, expected(signature, order), Buffer.from(signature).toString('hex'));
      if (answer) accepted++;
    }
    // Every fourth case is left intact (and node's signatures are not always low-S): both answers came up.
    assert.ok(accepted > 0 && accepted < 1000, `accepted ${accepted}`);
  });
});
