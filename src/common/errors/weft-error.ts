/**
 * Base of every error Weft throws. Callers switch on `code`, never on the message text.
 */
export class WeftError<C extends string = string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The message of anything thrown, for log lines and error responses. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
