import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rename, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../common/logging/logging.js';
import { errorMessage } from '../../common/errors/weft-error.js';

/**
 * Installed node_modules trees kept by what they were installed from (the package's dependency
 * fields and lock file, Node's major version, the platform): a chaincode whose dependencies were
 * installed once on this machine, for any package or peer, links to them instead of another npm
 * run (seconds; a CI job starts many fresh peers with the same chaincode). npm's own cache spares
 * the downloads, not the install. Builds share a stored tree: it is not to be changed in place.
 */
export class DependencyStore {
  constructor(
    private readonly root: string,
    private readonly logger: Logger,
  ) {}

  /** The key of a package folder's dependencies; undefined when its package.json cannot be read. */
  async keyOf(dir: string): Promise<string | undefined> {
    let manifest: Record<string, unknown>;
    try {
      manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    const lock = await readFile(join(dir, 'package-lock.json')).catch(() => undefined);
    const hash = createHash('sha256');
    const wanted = { dependencies: manifest.dependencies, optionalDependencies: manifest.optionalDependencies, overrides: manifest.overrides, bundleDependencies: manifest.bundleDependencies };
    hash.update(JSON.stringify(wanted)).update('\0').update(lock ?? '').update('\0');
    hash.update(`${process.versions.node.split('.')[0] ?? ''}-${process.platform}-${process.arch}`);
    return hash.digest('hex');
  }

  /**
   * Links `dir`/node_modules to the stored tree for `key`; false when none is stored. A link, not
   * a copy: copying thousands of small files takes seconds, as long as npm itself.
   */
  async restore(key: string, dir: string): Promise<boolean> {
    const stored = join(this.root, key, 'node_modules');
    if (!(await exists(stored))) return false;
    try {
      await symlink(stored, join(dir, 'node_modules'), 'dir');
      return true;
    } catch (err) {
      this.logger.warn('build', `could not link stored dependencies ${key}: ${errorMessage(err)}; installing them`);
      await rm(join(dir, 'node_modules'), { recursive: true, force: true });
      return false;
    }
  }

  /**
   * Moves `dir`/node_modules into the store under `key` and links it back; where the store is on
   * another file system, keeps a copy. A failure only costs a later build its npm run.
   */
  async keep(key: string, dir: string): Promise<void> {
    const target = join(this.root, key);
    if (await exists(target)) return;
    const staging = `${target}.${process.pid}.${Date.now()}`;
    const local = join(dir, 'node_modules');
    try {
      await mkdir(staging, { recursive: true });
      const moved = await moveOrCopy(local, join(staging, 'node_modules'));
      // Whole or not at all: another build keeping the same tree at once leaves one of the two.
      await rename(staging, target).catch(async (err: unknown) => {
        if (!(await exists(target))) throw err;
      });
      if (moved) await symlink(join(target, 'node_modules'), local, 'dir');
    } catch (err) {
      if (!(await exists(target))) this.logger.warn('build', `could not keep dependencies ${key}: ${errorMessage(err)}`);
    } finally {
      // A tree moved out but not into the store is moved back; else only the leftovers go.
      if (!(await exists(local)) && (await exists(join(staging, 'node_modules')))) await rename(join(staging, 'node_modules'), local).catch(() => undefined);
      await rm(staging, { recursive: true, force: true });
    }
  }
}

/** Moves a folder; across file systems, copies it instead. True when it was moved. */
async function moveOrCopy(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await cp(from, to, { recursive: true, verbatimSymlinks: true });
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
