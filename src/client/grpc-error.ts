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
