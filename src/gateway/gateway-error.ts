import { WeftError } from '../common/errors/weft-error.js';

/** The gRPC status codes the Gateway answers with, by their gRPC names. */
export type GatewayStatus =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'UNAVAILABLE'
  | 'NOT_FOUND'
  | 'PERMISSION_DENIED'
  | 'DEADLINE_EXCEEDED'
  | 'CANCELLED'
  | 'UNKNOWN';

/** Which endorser or orderer failed, and how (Fabric's gateway.ErrorDetail). */
export interface EndpointFailure {
  address: string;
  mspId: string;
  message: string;
}

/**
 * A Gateway call's failure as Fabric's gateway reports it: a gRPC status code, a message, and one
 * detail per endpoint that failed, which the client surfaces (EndorseError.details and the like).
 */
export class GatewayError extends WeftError<GatewayStatus> {
  constructor(
    code: GatewayStatus,
    message: string,
    readonly details: readonly EndpointFailure[] = [],
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
