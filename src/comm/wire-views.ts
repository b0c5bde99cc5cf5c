/**
 * google-protobuf reads a plain Uint8Array in place but copies a Buffer first; gRPC hands over
 * Buffers. A view over the same memory avoids the copy.
 */
export function viewOf(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** gRPC writes Buffers: the generated code's output, without a copy. */
export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
