/** What Node.js puts on an error of a system call (fs, net): `ENOENT: no such file or directory, open '/x'`. */
interface SystemError extends Error {
  code: string;
  syscall: string;
  path?: string;
}

export function isSystemError(err: unknown): err is SystemError {
  return err instanceof Error && typeof (err as Partial<SystemError>).code === 'string' && typeof (err as Partial<SystemError>).syscall === 'string';
}

/**
 * The reason of a system call's failure in words ("no such file or directory"), without the
 * code and path Node puts around it; the message itself for any other error.
 */
export function systemErrorReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (!isSystemError(err)) return err.message;
  const match = /^[A-Z0-9_]+: ([^,]+)/.exec(err.message);
  return match?.[1] ?? err.message;
}

/** One line for a failed system call, as Go prints one: `open /no/such/x.block: no such file or directory`. */
export function systemErrorLine(err: SystemError): string {
  return `${err.syscall}${err.path === undefined ? '' : ` ${err.path}`}: ${systemErrorReason(err)}`;
}
