import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../common/logging/logging.js';
import { errorMessage } from '../../common/errors/weft-error.js';

/**
 * Installed node_modules trees kept by what they were installed from (the package's dependency
 * fields and lock file, Node's major version, the platform): a chaincode whose dependencies were
 * installed once on this machine, for any package or peer, gets a copy instead of another npm run
 * (seconds; a CI job starts many fresh peers with the same chaincode). npm's own cache spares the
 * downloads, not the install.
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

  /** Copies the stored tree for `key` into `dir`/node_modules; false when none is stored. */
  async restore(key: string, dir: string): Promise<boolean> {
    const stored = join(this.root, key, 'node_modules');
    if (!(await exists(stored))) return false;
    try {
      await cp(stored, join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
      return true;
    } catch (err) {
      this.logger.warn('build', `could not copy stored dependencies ${key}: ${errorMessage(err)}; installing them`);
      await rm(join(dir, 'node_modules'), { recursive: true, force: true });
      return false;
    }
  }

  /** Keeps `dir`/node_modules under `key` for later builds; a failure only costs the next build its npm run. */
  async keep(key: string, dir: string): Promise<void> {
    const target = join(this.root, key);
    if (await exists(target)) return;
    const staging = `${target}.${process.pid}.${Date.now()}`;
    try {
      await mkdir(staging, { recursive: true });
      await cp(join(dir, 'node_modules'), join(staging, 'node_modules'), { recursive: true, verbatimSymlinks: true });
      // Whole or not at all: another build keeping the same tree at once leaves one of the two.
      await rename(staging, target);
    } catch (err) {
      if (!(await exists(target))) this.logger.warn('build', `could not keep dependencies ${key}: ${errorMessage(err)}`);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
