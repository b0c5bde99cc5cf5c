import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { errorMessage } from '../common/errors/weft-error.js';
import { PackageError } from './chaincode-package.js';

/**
 * The folders each language's packaging leaves out, as Fabric's platforms do; `.git` is never
 * packed. A language Fabric has no platform for (ccaas, an external builder's type) is packed as
 * the folder is, each file at its own path.
 */
const PLATFORMS: ReadonlyMap<string, { skip: readonly string[] }> = new Map([
  ['node', { skip: ['node_modules'] }],
  ['golang', { skip: [] }],
  ['java', { skip: ['target', 'build', 'out'] }],
]);
const META_INF = 'META-INF';

/**
 * code.tar.gz of a Fabric 2.x install package, from the chaincode's folder: for node, golang and
 * java, the source under `src/` and the folder's META-INF (CouchDB indexes, private data
 * collections' indexes) at the top, as Fabric's platforms write it; for any other type, the folder
 * as it is. Files are sorted and carry no time, owner or mode of their own, so the same folder
 * always gives the same bytes, and so the same package ID.
 */
export async function packChaincodeSource(path: string, lang: string): Promise<Uint8Array> {
  const platform = PLATFORMS.get(lang.toLowerCase());
  const skip = new Set(['.git', ...(platform?.skip ?? [])]);
  const files = new Map<string, Uint8Array>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const full = join(dir, name);
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const info = await stat(full);
      if (info.isDirectory()) {
        if (!skip.has(name)) await walk(full, relPath);
        continue;
      }
      if (!info.isFile()) continue;
      const isMetadata = relPath.startsWith(`${META_INF}/`);
      // Fabric leaves hidden metadata files out: their owners seldom know they are there.
      if (isMetadata && name.startsWith('.')) continue;
      files.set(platform === undefined || isMetadata ? relPath : `src/${relPath}`, await readFile(full));
    }
  };
  try {
    if (!(await stat(path)).isDirectory()) throw new PackageError('BAD_PACKAGE', `${path} is not a folder`);
    await walk(path, '');
  } catch (err) {
    if (err instanceof PackageError) throw err;
    throw new PackageError('BAD_PACKAGE', `error getting chaincode bytes: ${errorMessage(err)}`);
  }
  if (files.size === 0) throw new PackageError('BAD_PACKAGE', `no source files found in '${path}'`);
  // Loaded here: the tar library stays off the path of every other client command.
  const { memoryTar } = await import('../common/tar/memory-tar.js');
  return gzipSync(memoryTar(files, { mode: 0o100644, end: true, mtime: new Date(0) }));
}
