import { WeftError } from '../common/errors/weft-error.js';
import type { RunnerFailure } from './runner-protocol.js';

/** Why `weft dev` could not do a step for the project. */
export type DevErrorCode =
  /** The folder is no chaincode project it can run (no package.json, no fabric-shim, an invalid name). */
  | 'BAD_PROJECT'
  /** The peer's configuration cannot run in chaincode dev mode (TLS on). */
  | 'BAD_CONFIG'
  /** `npm install` failed. */
  | 'INSTALL_FAILED'
  /** The project's build failed (a compile error, a build script's exit code). */
  | 'BUILD_FAILED'
  /** The project's chaincode threw as it loaded, or could not register. */
  | 'CHAINCODE_FAILED'
  /** Approving or committing the chaincode's definition failed. */
  | 'DEPLOY_FAILED';

/** `weft dev`'s error: `failure` is the project's own error, with where it was thrown, when there is one. */
export class DevError extends WeftError<DevErrorCode> {
  constructor(
    code: DevErrorCode,
    message: string,
    readonly failure?: RunnerFailure,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** A failure as one line: its message, then where it was thrown. */
export function failureLine(failure: RunnerFailure): string {
  return failure.location === undefined ? failure.message : `${failure.message}\n    at ${failure.location}`;
}
