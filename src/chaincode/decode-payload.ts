import { errorMessage } from '../common/errors/weft-error.js';
import { forEachField } from '../common/protos/proto-wire.js';
import { ChaincodeError } from './chaincode-error.js';

/** A generated message class, as far as decoding goes. */
export interface Decodable<M> {
  deserializeBinary(bytes: Uint8Array): M;
}

/** A message's name as Fabric's protos spell it (`peer.PutState`), and its string fields by number. */
export interface PayloadShape {
  name: string;
  strings: Readonly<Record<number, string>>;
}

/** The state calls' requests and their string fields (fabric-protos peer/chaincode_shim.proto). */
export const SHAPES = {
  GetState: { name: 'peer.GetState', strings: { 1: 'key', 2: 'collection' } },
  GetStateMetadata: { name: 'peer.GetStateMetadata', strings: { 1: 'key', 2: 'collection' } },
  PutState: { name: 'peer.PutState', strings: { 1: 'key', 3: 'collection' } },
  PutStateMetadata: { name: 'peer.PutStateMetadata', strings: { 1: 'key', 3: 'collection' } },
  DelState: { name: 'peer.DelState', strings: { 1: 'key', 2: 'collection' } },
  GetStateByRange: { name: 'peer.GetStateByRange', strings: { 1: 'startKey', 2: 'endKey', 3: 'collection' } },
  GetQueryResult: { name: 'peer.GetQueryResult', strings: { 1: 'query', 2: 'collection' } },
  GetHistoryForKey: { name: 'peer.GetHistoryForKey', strings: { 1: 'key' } },
} as const satisfies Record<string, PayloadShape>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a state call's payload, refusing it as a Fabric peer does (Go's protobuf checks proto3
 * strings) when a string field is not valid UTF-8: google-protobuf would quietly replace the bad
 * bytes, and the chaincode would read or write a key other than the one it sent. Any decoding
 * failure is a BAD_MESSAGE, which the handler counts against the stream.
 */
export function decodePayload<M>(bytes: Uint8Array, type: Decodable<M>, shape: PayloadShape): M {
  const invalid = invalidUtf8Field(bytes, shape.strings);
  if (invalid !== undefined) {
    throw new ChaincodeError('BAD_MESSAGE', `unmarshal failed: proto: field ${shape.name}.${invalid} contains invalid UTF-8`);
  }
  try {
    return type.deserializeBinary(bytes);
  } catch (err) {
    throw new ChaincodeError('BAD_MESSAGE', `unmarshal failed: ${errorMessage(err)}`, { cause: err });
  }
}

/**
 * The name of the first top-level string field whose bytes are not UTF-8, walking the wire format;
 * undefined when all are, or when the bytes are malformed (deserializing then says so).
 */
function invalidUtf8Field(bytes: Uint8Array, strings: Readonly<Record<number, string>>): string | undefined {
  let invalid: string | undefined;
  try {
    forEachField(bytes, (field, _value, value) => {
      const name = strings[field];
      if (invalid !== undefined || value === undefined || name === undefined || isAscii(value)) return;
      try {
        utf8.decode(value);
      } catch {
        invalid = name;
      }
    });
  } catch {
    // Not a message at all: the decoder that runs next says so.
    return undefined;
  }
  return invalid;
}

/** Most keys are ASCII: those need no decoder. */
function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return false;
  return true;
}
