import { writeFile } from 'node:fs/promises';
import { systemErrorReason } from '../common/errors/system-error.js';
import { CliError } from './cli-error.js';

/** Writes what a command made (`what`: "the block") to the file the user named; a failure names both. */
export async function writeOutputFile(file: string, bytes: Uint8Array, what: string): Promise<void> {
  try {
    await writeFile(file, bytes);
  } catch (err) {
    throw new CliError('BAD_INPUT', `cannot write ${what} to ${file}: ${systemErrorReason(err)}`, { cause: err });
  }
}
