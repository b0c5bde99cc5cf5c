import { ChaincodeError } from './chaincode-error.js';

// Fabric's rules for chaincode names and versions (lscc's, which a REGISTER's name:version follows).
const NAME = /^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/;
const VERSION = /^[A-Za-z0-9_.+-]+$/;
const PACKAGE_ID = /^[A-Za-z0-9][A-Za-z0-9_.+-]*:[0-9a-f]{64}$/;
const RULE = 'names match ^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$, versions ^[A-Za-z0-9_.+-]+$';
/** Far above any real name:version; it bounds what is kept, compared and logged per stream. */
export const MAX_REGISTER_NAME_BYTES = 255;
/** How much of a refused name an error quotes. */
const QUOTED_CHARS = 80;

/** The system chaincodes a chaincode connecting from outside may never register as. */
export interface SystemChaincodeNames {
  isSysCC(name: string): boolean;
}

/** Names of the built-in system chaincodes, refused even when disabled or not yet registered. */
const BUILT_IN_SYSTEM = new Set(['lscc', 'cscc', 'qscc', '_lifecycle']);

/**
 * The raw bytes of the name field (2) of a serialized ChaincodeID, the last one when repeated as
 * protobuf has it; undefined when the message has none or is malformed (the decoder says how).
 * The protobuf decoder drops bytes that are not UTF-8 from a string, so their presence is only
 * seen here.
 */
export function rawChaincodeName(payload: Uint8Array): Uint8Array | undefined {
  let name: Uint8Array | undefined;
  let at = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = payload[at++];
      if (byte === undefined) return -1;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return -1;
  };
  while (at < payload.length) {
    const key = varint();
    if (key < 0) return undefined;
    const wireType = key & 7;
    if (wireType === 0) {
      if (varint() < 0) return undefined;
    } else if (wireType === 2) {
      const length = varint();
      if (length < 0 || at + length > payload.length) return undefined;
      if (key >>> 3 === 2) name = payload.subarray(at, at + length);
      at += length;
    } else if (wireType === 1 || wireType === 5) {
      at += wireType === 1 ? 8 : 4;
    } else {
      return undefined;
    }
  }
  return name;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether these bytes are valid UTF-8. */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks the name a chaincode that dialled the peer gives in REGISTER (`name:version`, or a bare
 * name in dev mode), before the peer looks it up, keeps it, or logs it: one that fails throws
 * REGISTER_REFUSED, whose message quotes the name safely (escaped, cut short).
 */
export function checkRegisterName(name: string, rawName: Uint8Array | undefined, system: SystemChaincodeNames | undefined): void {
  if ((rawName !== undefined && !isUtf8(rawName)) || name.includes('\uFFFD')) throw refused('the chaincode name is not valid UTF-8');
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_REGISTER_NAME_BYTES) throw refused(`the chaincode name is ${bytes} bytes long, more than ${MAX_REGISTER_NAME_BYTES}`);
  // A `_lifecycle` package registers under its package ID, label:sha256-hex; a label may hold '.'.
  if (PACKAGE_ID.test(name)) return;
  const colon = name.indexOf(':');
  const ccName = colon < 0 ? name : name.slice(0, colon);
  const version = colon < 0 ? undefined : name.slice(colon + 1);
  if (BUILT_IN_SYSTEM.has(ccName) || system?.isSysCC(ccName) === true) {
    throw refused(`${ccName} is the name of a system chaincode`, name);
  }
  if (!NAME.test(ccName)) throw refused(`invalid chaincode name: ${RULE}`, name);
  if (version !== undefined && !VERSION.test(version)) throw refused(`invalid chaincode version: ${RULE}`, name);
}

/** REGISTER_REFUSED for `name`: the peer's log line and the chaincode's ERROR say the same. */
export function refused(reason: string, name?: string): ChaincodeError {
  const of = name === undefined ? '' : ` of ${quoteName(name)}`;
  return new ChaincodeError('REGISTER_REFUSED', `refused REGISTER${of}: ${reason}`);
}

/** A name as it is when it is a plain one; else escaped (control characters, quotes) and cut short. */
function quoteName(name: string): string {
  if (/^[\w.+:-]+$/.test(name) && name.length <= QUOTED_CHARS) return name;
  const shown = name.length > QUOTED_CHARS ? `${name.slice(0, QUOTED_CHARS)}...` : name;
  return JSON.stringify(shown);
}
