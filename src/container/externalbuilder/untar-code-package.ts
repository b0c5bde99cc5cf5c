import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorMessage } from '../../common/errors/weft-error.js';
import { ExternalBuilderError } from './external-builder-error.js';

const ALLOWED = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/**
 * Unpacks a package's code.tar.gz into `into`. As Fabric requires, the archive may hold only
 * regular files and folders, none of them outside the folder (an absolute path or `..` fails);
 * anything else (links, devices) fails the whole package rather than being skipped.
 */
export async function untarCodePackage(codePackage: Uint8Array, into: string): Promise<void> {
  const { x } = await import('tar');
  const refused: string[] = [];
  try {
    await pipeline(
      Readable.from([Buffer.from(codePackage)]),
      x({
        cwd: into,
        gzip: true,
        strict: true,
        filter: (path, entry) => {
          const type = 'type' in entry ? entry.type : 'File';
          if (ALLOWED.has(type)) return true;
          refused.push(`${path} (${type})`);
          return false;
        },
      }),
    );
  } catch (err) {
    throw new ExternalBuilderError('BAD_PACKAGE', `could not untar source package: ${errorMessage(err)}`, {}, { cause: err });
  }
  if (refused.length > 0) {
    throw new ExternalBuilderError('BAD_PACKAGE', `could not untar source package: only regular files and folders are allowed, not ${refused.join(', ')}`);
  }
}
