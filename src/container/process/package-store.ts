import type { CCID } from '../ccintf.js';

/**
 * Where installed chaincode packages are (the lifecycle's install store): the folder holding the
 * package's source, or undefined when nothing is installed under that name and version.
 */
export interface PackageStore {
  sourceDir(ccid: CCID): string | undefined;
}
