/**
 * Characters no diagram should carry, whatever its format: C0 and C1 controls (newlines among
 * them; most are not even allowed in XML), the bidirectional overrides and isolates (which make a
 * name read as another), lone surrogates, and the two non-characters XML forbids.
 */
// With the u flag a surrogate range matches only a lone surrogate: a pair is one code point.
const UNPRINTABLE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]/gu;

/** The longest name or label a diagram shows; the rest is cut, and marked so. */
export const MAX_LABEL_CHARS = 64;

/** The longest text shown whole (a tooltip, a table cell): a txid is 64 characters, a package ID more. */
export const MAX_WHOLE_CHARS = 160;

/**
 * Text from a trace made fit to show: each unprintable character a `?`, and at most `max`
 * characters (code points, so that no surrogate pair is cut in two), the last one `…` when cut.
 * Chaincode names and txids are chosen by whoever deploys or invokes: never trusted for length.
 */
export function displayText(text: string, max = MAX_LABEL_CHARS): string {
  const chars = Array.from(text.replace(UNPRINTABLE, '?'));
  if (chars.length <= max) return chars.join('');
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
