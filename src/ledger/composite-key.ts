import { isWellFormedKey } from './key-order.js';
import { LedgerError } from './ledger-error.js';

/**
 * Fabric's composite keys: U+0000, the object type, then each attribute followed by U+0000.
 * The leading U+0000 keeps them apart from simple keys, which may not start with it.
 */
export const COMPOSITE_KEY_NAMESPACE = '\x00';
/** Simple-key range scans start here when the caller gives no start key: after every composite key. */
export const EMPTY_KEY_SUBSTITUTE = '\x01';
/** The largest code point; a partial composite key scan ends at its prefix followed by this. */
export const MAX_UNICODE_RUNE = '\u{10FFFF}';

export function createCompositeKey(objectType: string, attributes: readonly string[]): string {
  validateCompositeKeyAttribute(objectType);
  let key = COMPOSITE_KEY_NAMESPACE + objectType + '\x00';
  for (const attribute of attributes) {
    validateCompositeKeyAttribute(attribute);
    key += attribute + '\x00';
  }
  return key;
}

export function splitCompositeKey(compositeKey: string): { objectType: string; attributes: string[] } {
  const parts = compositeKey.slice(1).split('\x00');
  parts.pop(); // the text after the final separator is always empty
  const [objectType = '', ...attributes] = parts;
  return { objectType, attributes };
}

function validateCompositeKeyAttribute(text: string): void {
  if (!isWellFormedKey(text)) throw new LedgerError('INVALID_KEY', `not a valid utf8 string: [${Buffer.from(text).toString('hex')}]`);
  let position = 0;
  for (const ch of text) {
    if (ch === '\x00' || ch === MAX_UNICODE_RUNE) {
      const u = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
      throw new LedgerError(
        'INVALID_KEY',
        `input contains unicode ${u} starting at position [${position}]. U+0000 and U+10FFFF are not allowed in the input attribute of a composite key`,
      );
    }
    position += Buffer.byteLength(ch);
  }
}

/** Refuses a key of a simple-key operation that would fall among composite keys. */
export function validateSimpleKey(key: string): void {
  if (key.startsWith(COMPOSITE_KEY_NAMESPACE)) {
    throw new LedgerError('INVALID_KEY', `first character of the key [${key}] contains a null character which is not allowed`);
  }
}
