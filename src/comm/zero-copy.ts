import type { ServiceDefinition } from '@grpc/grpc-js';
import { viewOf } from './wire-views.js';

/** What the generated service definitions carry besides grpc-js's fields: the message classes. */
interface GeneratedTypes {
  requestType?: MessageClass;
  responseType?: MessageClass;
}

interface MessageClass {
  deserializeBinary(bytes: Uint8Array): unknown;
}

/**
 * A generated service definition whose messages are read in place: the generated deserializers
 * copy every message gRPC hands over into a fresh array first (an allocation outside V8's heap
 * per message, a whole block for each Deliver response). The messages' bytes fields are then
 * views into gRPC's buffer, which it does not reuse. Serving and dialling both take it
 * (`server.addService`, `grpc.makeGenericClientConstructor`).
 */
export function zeroCopy<S extends ServiceDefinition>(service: S): S {
  const methods: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(service)) {
    const { requestType, responseType } = method as GeneratedTypes;
    methods[name] = {
      ...method,
      ...(requestType === undefined ? {} : { requestDeserialize: (buf: Buffer) => requestType.deserializeBinary(viewOf(buf)) }),
      ...(responseType === undefined ? {} : { responseDeserialize: (buf: Buffer) => responseType.deserializeBinary(viewOf(buf)) }),
    };
  }
  return methods as S;
}

/**
 * The generated client class of `service`, reading its responses in place (see zeroCopy):
 * `zeroCopyClient(grpc, abGrpc.AtomicBroadcastService, abGrpc.AtomicBroadcastClient)`. The
 * generated class is made by the same constructor; `_generated` gives its type.
 */
export function zeroCopyClient<C>(grpc: { makeGenericClientConstructor(methods: ServiceDefinition, serviceName: string): unknown }, service: ServiceDefinition, _generated: C): C {
  return grpc.makeGenericClientConstructor(zeroCopy(service), '') as C;
}
