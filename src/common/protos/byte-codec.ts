/**
 * Protobuf-style varints and length-prefixed byte strings, the encoding of Fabric's block files and
 * of the ledger's own index records. Numbers stay below 2^53, which block heights never reach.
 */
export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.pos;
  }

  varint(value: number): this {
    this.ensure(10);
    this.putVarint(value);
    return this;
  }

  /** A varint length, then the bytes. */
  bytes(value: Uint8Array): this {
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  raw(value: Uint8Array): this {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** A varint length, then the string's UTF-8. */
  string(value: string): this {
    const length = Buffer.byteLength(value, 'utf8');
    this.varint(length);
    this.ensure(length);
    this.pos += this.buf.write(value, this.pos, length, 'utf8');
    return this;
  }

  /** Puts a varint at `at`, moving what was written from there after it (a length known only once its content is written). */
  insertVarint(at: number, value: number): this {
    const size = varintSize(value);
    this.ensure(size);
    this.buf.copyWithin(at + size, at, this.pos);
    const end = this.pos + size;
    this.pos = at;
    this.putVarint(value);
    this.pos = end;
    return this;
  }

  /** Drops what was written after the first `length` bytes. */
  truncate(length: number): this {
    this.pos = Math.min(this.pos, length);
    return this;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Room is already ensured. */
  private putVarint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

/** How many bytes the varint of `value` takes. */
export function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}

/** Thrown by ByteReader when the input ends early; callers turn it into a domain error. */
export class TruncatedInputError extends Error {}

export class ByteReader {
  pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) throw new TruncatedInputError('input ends inside a varint');
      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 0x80;
    }
    throw new TruncatedInputError('varint longer than 8 bytes');
  }

  /** A length-prefixed byte string, as a view into the input. */
  bytes(): Uint8Array {
    const length = this.varint();
    return this.raw(length);
  }

  raw(length: number): Uint8Array {
    if (length > this.end - this.pos) throw new TruncatedInputError(`input ends ${length - (this.end - this.pos)} bytes early`);
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  string(): string {
    return Buffer.from(this.bytes()).toString('utf8');
  }
}
