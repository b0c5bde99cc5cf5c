/**
 * A minimal reader of the protobuf wire format, for the hot paths (a proposal unpacked for its
 * endorsement, a transaction unpacked down to its read-write set at commit): materialising each
 * nested message as a google-protobuf object cost more than the work done with them. This reads
 * only the fields asked for, as views into the input. Anything it cannot walk throws a RangeError.
 */

const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;
const FIXED32 = 5;

/** One field occurrence: `value` for varints, `bytes` for length-delimited fields. */
export type FieldVisitor = (field: number, value: number, bytes: Uint8Array | undefined) => void;

export function forEachField(buf: Uint8Array, visit: FieldVisitor): void {
  // A cursor object rather than a closure over `pos`: the bundle names every closure it creates
  // (esbuild's keepNames), a property definition per call on a path taken for every field read.
  const cursor = new Cursor(buf);
  const end = buf.length;
  while (cursor.pos < end) {
    const tag = cursor.varint();
    const field = Math.floor(tag / 8);
    if (field === 0) throw new RangeError('protobuf field number 0');
    switch (tag % 8) {
      case VARINT:
        visit(field, cursor.varint(), undefined);
        break;
      case BYTES: {
        const length = cursor.varint();
        if (length > end - cursor.pos) throw new RangeError('protobuf message ends inside a length-delimited field');
        visit(field, 0, buf.subarray(cursor.pos, cursor.pos + length));
        cursor.pos += length;
        break;
      }
      case FIXED64:
        cursor.pos += 8;
        break;
      case FIXED32:
        cursor.pos += 4;
        break;
      default:
        throw new RangeError(`protobuf wire type ${tag % 8} not supported`);
    }
    if (cursor.pos > end) throw new RangeError('protobuf message ends inside a fixed-size field');
  }
}

class Cursor {
  pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  varint(): number {
    const { buf } = this;
    let result = 0;
    for (let scale = 1; ; scale *= 0x80) {
      if (this.pos >= buf.length) throw new RangeError('protobuf message ends inside a varint');
      const byte = buf[this.pos++] as number;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      if (scale > 2 ** 63) throw new RangeError('protobuf varint too long');
    }
  }
}

const NO_BYTES: Uint8Array = new Uint8Array(0);

/**
 * The fields of a message up to a field number, read in one pass, as the wire gave them: bytes as
 * views into the input, varints as numbers; the last occurrence wins, as for singular fields.
 * Absent fields read as proto3's defaults. Throws a RangeError when the message cannot be walked.
 */
export class WireFields {
  private readonly values: Array<Uint8Array | number | undefined> = [];

  constructor(buf: Uint8Array, maxField: number) {
    forEachField(buf, (field, value, bytes) => {
      if (field <= maxField) this.values[field] = bytes ?? value;
    });
  }

  /** A length-delimited field; empty when absent or not length-delimited. */
  bytes(field: number): Uint8Array {
    const value = this.values[field];
    return value instanceof Uint8Array ? value : NO_BYTES;
  }

  /** A varint field; 0 when absent or not a varint. */
  number(field: number): number {
    const value = this.values[field];
    return typeof value === 'number' ? value : 0;
  }

  /** A length-delimited field, undefined when absent (which proto3 tells from empty for a message field) or not length-delimited. */
  maybeBytes(field: number): Uint8Array | undefined {
    const value = this.values[field];
    return value instanceof Uint8Array ? value : undefined;
  }
}

/** The bytes of a length-delimited field (the last occurrence, as for a singular field). */
export function bytesField(buf: Uint8Array, field: number): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  forEachField(buf, (f, _v, bytes) => {
    if (f === field && bytes !== undefined) found = bytes;
  });
  return found;
}

/** Every occurrence of a repeated length-delimited field. */
export function repeatedBytesField(buf: Uint8Array, field: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  forEachField(buf, (f, _v, bytes) => {
    if (f === field && bytes !== undefined) out.push(bytes);
  });
  return out;
}

export function utf8(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? '' : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
