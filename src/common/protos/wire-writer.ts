import { ByteWriter, varintSize } from './byte-codec.js';

/**
 * A minimal writer of the protobuf wire format, for the messages written on every endorsement
 * (the chaincode conversation, the response payload, the read-write set, the proposal response).
 * google-protobuf's writer ends each message in a `new Uint8Array`, an allocation of its own
 * outside the heap (malloc, then a free by V8's sweeper) that cost more than the writing; this one
 * writes through a ByteWriter into Node's pooled buffers. The caller writes fields in field-number
 * order and leaves proto3's defaults out, as the generated code does, so that the bytes are the same.
 */
export class WireWriter {
  private readonly out: ByteWriter;

  constructor(capacity = 256) {
    this.out = new ByteWriter(capacity);
  }

  /** A varint field (int32 and enums that are not negative, uint64 up to 2^53, bool). */
  varint(field: number, value: number): void {
    if (value < 0 || !Number.isSafeInteger(value)) throw new RangeError(`protobuf field ${field}: ${value} is not a varint this writer writes`);
    this.out.varint(field * 8).varint(value);
  }

  /** An int32 field: a negative value takes ten bytes, as the 64-bit two's complement protobuf writes. */
  int32(field: number, value: number): void {
    if (value >= 0) {
      this.varint(field, value);
      return;
    }
    if (!Number.isInteger(value) || value < -(2 ** 31)) throw new RangeError(`protobuf field ${field}: ${value} is not an int32`);
    const bytes: number[] = [];
    let rest = BigInt.asUintN(64, BigInt(value));
    while (rest >= 0x80n) {
      bytes.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    bytes.push(Number(rest));
    this.out.varint(field * 8).raw(Uint8Array.from(bytes));
  }

  bytes(field: number, value: Uint8Array): void {
    this.out.varint(field * 8 + 2).bytes(value);
  }

  string(field: number, value: string): void {
    this.out.varint(field * 8 + 2).string(value);
  }

  /** A nested message: what `write` writes, behind its length (written even when empty, as the generated code does). */
  message(field: number, write: () => void): void {
    this.out.varint(field * 8 + 2);
    const start = this.out.length;
    write();
    this.out.insertVarint(start, this.out.length - start);
  }

  /**
   * A bytes field that holds a serialized message, written in place: left out when the message is
   * empty, as an empty bytes field is.
   */
  embedded(field: number, write: () => void): void {
    const tagStart = this.out.length;
    this.message(field, write);
    if (this.out.length === tagStart + varintSize(field * 8 + 2) + 1) this.out.truncate(tagStart);
  }

  /** The bytes written; the writer is not to be used after. */
  finish(): Buffer {
    return this.out.finish();
  }
}
