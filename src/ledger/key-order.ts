/**
 * Orders keys the way LevelDB (and Fabric, comparing Go strings) does: by their UTF-8 bytes, which
 * is code point order. JavaScript's `<` compares UTF-16 code units instead, which puts characters
 * above U+FFFF (surrogate pairs) before U+E000..U+FFFF; this corrects that one difference.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x = x < 0xe000 ? x + 0x2000 : x - 0x800;
    if (y >= 0xd800) y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    return x - y;
  }
  return a.length - b.length;
}

export function byKey(a: { key: string }, b: { key: string }): number {
  return compareKeys(a.key, b.key);
}

/** False when the string holds a lone surrogate, which has no UTF-8 encoding. */
export function isWellFormedKey(key: string): boolean {
  return !LONE_SURROGATE.test(key);
}

// With the `u` flag a surrogate pair is one code point, so only unpaired halves match.
const LONE_SURROGATE = /\p{Cs}/u;
