import { createHash } from 'node:crypto';
import { access, cp, lstat, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import { containerName, type CCID } from '../ccintf.js';
import { ContainerError } from '../container-error.js';
import type { DependencyStore } from './dependency-store.js';
import { runCommand } from './run-command.js';

export interface PackageBuilderOptions {
  /** Each chaincode is built in `<buildRoot>/<name>-<version>`. */
  buildRoot: string;
  /** Environment of the install step (PATH, HOME, npm settings). */
  env: Record<string, string>;
  /** The npm executable. */
  npm: string;
  /** Where installed dependency trees are kept for reuse (chaincode.node.dependencyCache); none: npm every build. */
  dependencies?: DependencyStore | undefined;
  logger: Logger;
}

/** Folders of a package that are outputs or tooling, never its source. */
const NOT_SOURCE = new Set(['node_modules', '.git']);
/** Written last into a finished build: the hash of the source it was built from. */
export const BUILD_MARK = '.weft-build-hash';

/**
 * Turns an installed Node.js chaincode package into a runnable folder: a copy of its source with
 * its production dependencies installed. A build is reused while the package's files are unchanged.
 */
export class PackageBuilder {
  constructor(private readonly opts: PackageBuilderOptions) {}

  /**
   * The folder to run the chaincode from, built now unless an up-to-date build is there (or
   * `force` asks for a fresh one).
   */
  async build(ccid: CCID, sourceDir: string, opts: { force?: boolean } = {}): Promise<string> {
    const { buildRoot, logger } = this.opts;
    const dir = join(buildRoot, containerName(ccid));
    const hash = await hashPackage(sourceDir);
    const built = await builtHash(dir);
    // A build whose stored dependencies were removed since (a cleared cache) is built again.
    if (built === hash && opts.force !== true && (await hasModules(dir))) {
      logger.debug('build', `reusing the build of ${containerName(ccid)} in ${dir}`);
      return dir;
    }
    logger.info('build', `building chaincode ${containerName(ccid)} from ${sourceDir} in ${dir}`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(buildRoot, { recursive: true });
    await cp(sourceDir, dir, { recursive: true, filter: (src) => !NOT_SOURCE.has(basename(src)) });
    const store = this.opts.dependencies;
    const key = await store?.keyOf(dir);
    if (store !== undefined && key !== undefined && (await store.restore(key, dir))) {
      logger.info('build', `dependencies of ${containerName(ccid)} linked from the dependency cache (${key.slice(0, 12)})`);
    } else {
      await this.install(ccid, dir);
      if (store !== undefined && key !== undefined) await store.keep(key, dir);
    }
    await writeFile(join(dir, BUILD_MARK), hash);
    return dir;
  }

  /** `npm ci` when the package pins its dependencies in a lock file, else `npm install`. */
  private async install(ccid: CCID, dir: string): Promise<void> {
    const { env, npm, logger } = this.opts;
    const hasLock = await access(join(dir, 'package-lock.json')).then(
      () => true,
      () => false,
    );
    const step = hasLock ? 'ci' : 'install';
    // What npm's cache holds is taken as it is, not checked with the registry again: a chaincode's
    // build then costs no network round trip per package (seconds), and works offline.
    const args = [step, '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'];
    const result = await runCommand({
      command: npm,
      args,
      cwd: dir,
      env,
      onLine: (line) => logger.debug('build', `npm ${step}: ${line}`),
    }).catch((err: unknown) => {
      throw new ContainerError('BUILD_FAILED', `npm ${step} for chaincode ${containerName(ccid)} could not be started: ${errorMessage(err)}`, {
        cause: err,
      });
    });
    if (result.exitCode !== 0) {
      throw new ContainerError(
        'BUILD_FAILED',
        `npm ${step} for chaincode ${containerName(ccid)} failed with exit code ${result.exitCode}:\n${result.lastLines.join('\n')}`,
      );
    }
  }
}

/** Does the build have its node_modules (a package without dependencies has none: that is fine too)? */
async function hasModules(dir: string): Promise<boolean> {
  const link = await lstat(join(dir, 'node_modules')).catch(() => undefined);
  if (link === undefined || !link.isSymbolicLink()) return true;
  return stat(join(dir, 'node_modules')).then(
    () => true,
    () => false,
  );
}

/** The hash of the source a finished build in `dir` was made from; undefined when there is none. */
export function builtHash(dir: string): Promise<string | undefined> {
  return readFile(join(dir, BUILD_MARK), 'utf8').catch(() => undefined);
}

/** A hash of every source file's path and contents, so that any change to the package is a new build. */
export async function hashPackage(sourceDir: string): Promise<string> {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (NOT_SOURCE.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await walk(sourceDir);
  for (const path of files.map((f) => relative(sourceDir, f)).sort()) {
    hash.update(path).update('\0').update(await readFile(join(sourceDir, path))).update('\0');
  }
  return hash.digest('hex');
}
