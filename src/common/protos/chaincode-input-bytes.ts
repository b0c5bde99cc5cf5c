import type { ChaincodeInput } from './peer.js';

/**
 * The serialized ChaincodeInput {args 1 (repeated bytes), decorations 2 (map), is_init 3}, the
 * payload of every INIT and TRANSACTION message the peer sends a chaincode. Written straight into
 * one buffer of the exact size when the input is plain (arguments as bytes, no decorations), byte
 * for byte as google-protobuf writes it; otherwise by google-protobuf itself. Its writer cost more
 * per transaction than the rest of an in-process chaincode call's encoding.
 */
export function chaincodeInputBytes(input: ChaincodeInput): Uint8Array {
  const args = input.getArgsList();
  // Decorations are only ever set by a decorator plugin. The generated getter takes a flag its
  // typings leave out: true looks at the map without creating it.
  const decorations = (input.getDecorationsMap as unknown as LazyMapGetter).call(input, true);
  if ((decorations !== undefined && decorations.getLength() > 0) || !args.every((arg) => arg instanceof Uint8Array)) return input.serializeBinary();
  const isInit = input.getIsInit();
  let size = isInit ? 2 : 0;
  for (const arg of args) size += 1 + varintSize(arg.length) + arg.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const arg of args) {
    out[at++] = 0x0a; // field 1, length-delimited
    for (let length = arg.length; ; length = Math.floor(length / 0x80)) {
      if (length < 0x80) {
        out[at++] = length;
        break;
      }
      out[at++] = (length & 0x7f) | 0x80;
    }
    out.set(arg, at);
    at += arg.length;
  }
  if (isInit) {
    out[at++] = 0x18; // field 3, varint
    out[at] = 1;
  }
  return out;
}

type LazyMapGetter = (this: ChaincodeInput, noLazyCreate: boolean) => { getLength(): number } | undefined;

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}
