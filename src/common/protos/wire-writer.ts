/**
 * A minimal writer of the protobuf wire format, for the messages written on every endorsement
 * (the chaincode conversation, the response payload, the read-write set, the proposal response).
 * google-protobuf's writer ends each message in a `new Uint8Array`, an allocation of its own
 * outside the heap (malloc, then a free by V8's sweeper) that cost more than the writing; this one
 * writes into Node's pooled buffers. The caller writes fields in field-number order and leaves
 * proto3's defaults out, as the generated code does, so that the bytes are the same.
 */
export class WireWriter {
  private buf: Buffer;
  private at = 0;

  constructor(capacity = 256) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** A varint field (int32 and enums that are not negative, uint64 up to 2^53, bool). */
  varint(field: number, value: number): void {
    if (value < 0 || !Number.isSafeInteger(value)) throw new RangeError(`protobuf field ${field}: ${value} is not a varint this writer writes`);
    this.reserve(20);
    this.rawVarint(field * 8);
    this.rawVarint(value);
  }

  /** An int32 field: a negative value takes ten bytes, as the 64-bit two's complement protobuf writes. */
  int32(field: number, value: number): void {
    if (value >= 0) {
      this.varint(field, value);
      return;
    }
    if (!Number.isInteger(value) || value < -(2 ** 31)) throw new RangeError(`protobuf field ${field}: ${value} is not an int32`);
    this.reserve(15);
    this.rawVarint(field * 8);
    let rest = BigInt.asUintN(64, BigInt(value));
    while (rest >= 0x80n) {
      this.buf[this.at++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.buf[this.at++] = Number(rest);
  }

  bytes(field: number, value: Uint8Array): void {
    this.reserve(15 + value.length);
    this.rawVarint(field * 8 + 2);
    this.rawVarint(value.length);
    this.buf.set(value, this.at);
    this.at += value.length;
  }

  string(field: number, value: string): void {
    const length = Buffer.byteLength(value, 'utf8');
    this.reserve(15 + length);
    this.rawVarint(field * 8 + 2);
    this.rawVarint(length);
    this.at += this.buf.write(value, this.at, length, 'utf8');
  }

  /** A nested message: what `write` writes, behind its length (written even when empty, as the generated code does). */
  message(field: number, write: () => void): void {
    this.reserve(10);
    this.rawVarint(field * 8 + 2);
    const start = this.at;
    write();
    const length = this.at - start;
    const lengthSize = varintSize(length);
    this.reserve(lengthSize);
    this.buf.copyWithin(start + lengthSize, start, this.at);
    const end = this.at + lengthSize;
    this.at = start;
    this.rawVarint(length);
    this.at = end;
  }

  /**
   * A bytes field that holds a serialized message, written in place: left out when the message is
   * empty, as an empty bytes field is.
   */
  embedded(field: number, write: () => void): void {
    const tagStart = this.at;
    this.message(field, write);
    if (this.at === tagStart + varintSize(field * 8 + 2) + 1) this.at = tagStart;
  }

  /** The bytes written; the writer is not to be used after. */
  finish(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  private reserve(extra: number): void {
    if (this.at + extra <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + extra));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  private rawVarint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.buf[this.at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buf[this.at++] = rest;
  }
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}
