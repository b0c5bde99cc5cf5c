import { ExternalBuilderError } from './external-builder-error.js';

// The characters Fabric replaces in a package ID to make a file name of it.
const UNSAFE = /[<>:"/\\|?*&]/g;

/**
 * The folder name of a package's build: its ID with `<>:"/\|?*&` made `-`, as Fabric names
 * them (`mycc:ab12...` -> `mycc-ab12...`). An ID that leaves nothing usable is refused.
 */
export function packageIdPath(packageId: string): string {
  const name = packageId.replace(UNSAFE, '-');
  if (name === '' || name === '.' || name === '..' || name.includes('\0')) {
    throw new ExternalBuilderError('BAD_PACKAGE_ID', `package ID ${JSON.stringify(packageId)} cannot name a build folder`);
  }
  return name;
}
