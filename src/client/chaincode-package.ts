import { readFile, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { errorMessage, WeftError } from '../common/errors/weft-error.js';

export class PackageError extends WeftError<'BAD_PACKAGE'> {}

// Never shipped: dependencies are installed where the chaincode is built.
const SKIPPED = new Set(['node_modules', '.git']);

/**
 * The code package of a chaincode: a .tar.gz file as it is, or a folder packed as one (its
 * node_modules left out).
 */
export async function readChaincodePackage(path: string): Promise<Uint8Array> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new PackageError('BAD_PACKAGE', `cannot read chaincode package ${path}: ${errorMessage(err)}`);
  }
  if (info.isFile()) return readFile(path);
  const { c } = await import('tar');
  const chunks: Buffer[] = [];
  const stream = c(
    {
      gzip: true,
      cwd: path,
      portable: true,
      filter: (file: string) => !relative('.', file).split(/[\\/]/).some((part) => SKIPPED.has(part)),
    },
    ['.'],
  );
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
