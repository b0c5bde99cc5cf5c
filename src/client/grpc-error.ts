import { errorMessage } from '../common/errors/weft-error.js';
import { ClientError } from './client-error.js';

// gRPC status codes (fixed by the gRPC protocol), named here so that this module does not load
// @grpc/grpc-js: the clients load it only when they connect.
const DEADLINE_EXCEEDED = 4;
const PERMISSION_DENIED = 7;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

/**
 * The one place a failed gRPC call becomes a domain error: a ClientError whose code comes from the
 * call's gRPC status, whose message is `context: <the call's error>`. A ClientError passes through
 * unchanged; an error without a gRPC status (e.g. waitForReady's) gets the code `withoutStatus`.
 */
export function rethrowGrpcError(err: unknown, context: string, withoutStatus: ClientError['code'] = 'CALL_FAILED'): never {
  if (err instanceof ClientError) throw err;
  const status = grpcStatusOf(err);
  throw new ClientError(status === undefined ? withoutStatus : codeOfStatus(status), `${context}: ${errorMessage(err)}`, { cause: err });
}

function codeOfStatus(status: number): ClientError['code'] {
  switch (status) {
    case UNAVAILABLE:
    case DEADLINE_EXCEEDED:
      return 'PEER_UNREACHABLE';
    case PERMISSION_DENIED:
    case UNAUTHENTICATED:
      return 'ACCESS_DENIED';
    default:
      return 'CALL_FAILED';
  }
}

/** The status of a grpc-js ServiceError (an Error with a numeric `code`); undefined for any other error. */
function grpcStatusOf(err: unknown): number | undefined {
  if (!(err instanceof Error) || !('code' in err)) return undefined;
  return typeof err.code === 'number' ? err.code : undefined;
}

// Fabric's common.Status values a Deliver stream ends with (fixed by common.proto), named here so
// that this module does not load the protobufs.
const DELIVER_STATUS: ReadonlyMap<number, { name: string; code: ClientError['code'] }> = new Map([
  [400, { name: 'BAD_REQUEST', code: 'BAD_REQUEST' }],
  [403, { name: 'FORBIDDEN', code: 'ACCESS_DENIED' }],
  [404, { name: 'NOT_FOUND', code: 'NOT_FOUND' }],
  [413, { name: 'REQUEST_ENTITY_TOO_LARGE', code: 'BAD_REQUEST' }],
  [500, { name: 'INTERNAL_SERVER_ERROR', code: 'CALL_FAILED' }],
  [501, { name: 'NOT_IMPLEMENTED', code: 'CALL_FAILED' }],
  [503, { name: 'SERVICE_UNAVAILABLE', code: 'SERVICE_UNAVAILABLE' }],
]);

/**
 * The one place a Deliver stream's final status, other than SUCCESS, becomes a domain error:
 * FORBIDDEN is ACCESS_DENIED, NOT_FOUND, BAD_REQUEST and SERVICE_UNAVAILABLE keep their names,
 * anything else is CALL_FAILED. The message reads `context: status NOT_FOUND`.
 */
export function deliverStatusError(status: number, context: string): ClientError {
  const known = DELIVER_STATUS.get(status);
  return new ClientError(known?.code ?? 'CALL_FAILED', `${context}: status ${known?.name ?? String(status)}`);
}
