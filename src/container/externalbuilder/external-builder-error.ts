import { WeftError } from '../../common/errors/weft-error.js';

export type ExternalBuilderErrorCode =
  /** The code package could not be unpacked (not a gzipped tar, or an entry Fabric refuses). */
  | 'BAD_PACKAGE'
  /** bin/build failed or could not be started. */
  | 'BUILD_FAILED'
  /** bin/release failed or could not be started. */
  | 'RELEASE_FAILED'
  /** A kept build could not be read, or could not be kept. */
  | 'BUILD_UNREADABLE'
  /** A kept build names a builder that is no longer configured. */
  | 'BUILDER_UNAVAILABLE'
  /** A package ID that cannot name a folder. */
  | 'BAD_PACKAGE_ID';

/** The builder commands the peer runs, as Fabric names them: bin/<step>. */
export type BuilderStep = 'detect' | 'build' | 'release' | 'run';

/** What went wrong detecting, building, releasing or restoring a package with an external builder. */
export class ExternalBuilderError extends WeftError<ExternalBuilderErrorCode> {
  constructor(
    code: ExternalBuilderErrorCode,
    message: string,
    readonly details: { builder?: string; step?: BuilderStep; exitCode?: number; lastLines?: readonly string[] } = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
