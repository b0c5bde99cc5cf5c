import { errorMessage } from '../../common/errors/weft-error.js';
import { extractTarGz } from '../../common/tar/extract-tar-gz.js';
import { ExternalBuilderError } from './external-builder-error.js';

const ALLOWED = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/**
 * Unpacks a package's code.tar.gz into `into`. As Fabric requires, the archive may hold only
 * regular files and folders, none of them outside the folder (an absolute path or `..` fails);
 * anything else (links, devices) fails the whole package rather than being skipped.
 */
export async function untarCodePackage(codePackage: Uint8Array, into: string): Promise<void> {
  let refused: string[];
  try {
    refused = await extractTarGz(codePackage, into, ALLOWED);
  } catch (err) {
    throw new ExternalBuilderError('BAD_PACKAGE', `could not untar source package: ${errorMessage(err)}`, {}, { cause: err });
  }
  if (refused.length > 0) {
    throw new ExternalBuilderError('BAD_PACKAGE', `could not untar source package: only regular files and folders are allowed, not ${refused.join(', ')}`);
  }
}
