import type { ServiceDefinition } from '@grpc/grpc-js';

// Message sizes of the floors benchmark: about a signed proposal in, a proposal response out.
export const REQUEST_BYTES = 3000;
export const REPLY_BYTES = 2000;
export const IN_FLIGHT = 32;
export const WARM_UP_CALLS = 3000;
export const MEASURED_CALLS = 10_000;

const raw = (bytes: Buffer): Buffer => bytes;

/** A service of raw bytes (no protobuf): what any gRPC call costs before its messages are read. */
export const FLOOR_SERVICE: ServiceDefinition = {
  unary: {
    path: '/weft.bench.Floor/Unary',
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
  bidi: {
    path: '/weft.bench.Floor/Bidi',
    requestStream: true,
    responseStream: true,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
};
