import { isSystemError, systemErrorLine } from '../common/errors/system-error.js';
import { WeftError } from '../common/errors/weft-error.js';

/**
 * What a failed command or start prints. A Weft error, a failed system call (a file or folder
 * the user named) or an OpenSSL refusal (a key or certificate the user gave) is the user's to
 * mend: one line, no stack. Anything else is a bug in Weft, and keeps its stack for the report.
 */
export function failureText(err: unknown): string {
  if (err instanceof WeftError) return err.message;
  if (isSystemError(err)) return systemErrorLine(err);
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_OSSL')) return err.message;
    return err.stack ?? err.message;
  }
  return String(err);
}
