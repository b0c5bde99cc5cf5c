import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, WeftError } from '../common/errors/weft-error.js';
import type { CCID } from '../container/ccintf.js';
import { extractTarGz } from '../common/tar/extract-tar-gz.js';

export class PackageStoreError extends WeftError<'ALREADY_INSTALLED' | 'NOT_INSTALLED' | 'BAD_PACKAGE'> {}

export interface InstalledChaincode {
  name: string;
  version: string;
  /** The language, as ChaincodeSpec.Type names it (NODE). */
  type: string;
  /** A chaincode-as-a-service package: a connection.json to dial, no code to run. */
  service?: boolean;
  /** Built by an external builder (chaincode.externalBuilders), which also runs it. */
  external?: boolean;
}

// Fabric's rules for chaincode names and versions.
const NAME = /^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/;
const VERSION = /^[A-Za-z0-9_.+-]+$/;

export interface PackageStoreOptions {
  /** `<peer.fileSystemPath>/chaincodes`, Fabric's install folder (`lifecycle/chaincodes` for `_lifecycle`'s). */
  root: string;
  /**
   * `_lifecycle`'s store: packages are named by label and hash (a label may hold '.', which a
   * legacy name may not), and the install package is kept as `<label>.<hash>.tar.gz`.
   */
  lifecycle?: boolean;
}

/**
 * The chaincode packages installed on this peer: the deployment spec as sent (Fabric keeps it as
 * `chaincodes/<name>.<version>`), and its source unpacked beside it, which the process VM builds.
 */
export class PackageStore {
  private readonly index = new Map<string, InstalledChaincode>();
  /** Where each package's package.json is, below its folder: '.' or 'src'. */
  private readonly tops = new Map<string, string>();

  private constructor(private readonly opts: PackageStoreOptions) {}

  static async open(opts: PackageStoreOptions): Promise<PackageStore> {
    const store = new PackageStore(opts);
    await mkdir(join(opts.root, 'src'), { recursive: true });
    for (const entry of await readdir(join(opts.root, 'src'))) {
      try {
        const meta = JSON.parse(await readFile(join(opts.root, 'src', entry, '.weft-package.json'), 'utf8')) as InstalledChaincode & { top: string };
        store.index.set(key(meta.name, meta.version), {
          name: meta.name,
          version: meta.version,
          type: meta.type,
          service: meta.service === true,
          external: meta.external === true,
        });
        store.tops.set(key(meta.name, meta.version), meta.top);
      } catch {
        // A folder without its record is an install that did not finish: it does not count.
      }
    }
    return store;
  }

  /** Installs a package: a gzipped tar of the chaincode's source (package.json at its top or under src/). */
  async install(chaincode: InstalledChaincode, codePackage: Uint8Array, deploymentSpec: Uint8Array): Promise<void> {
    const { name, version } = chaincode;
    if (this.opts.lifecycle !== true) checkNameAndVersion(name, version);
    if (this.index.has(key(name, version))) {
      throw new PackageStoreError('ALREADY_INSTALLED', `chaincode with name '${name}' and version '${version}' already exists`);
    }
    if (codePackage.length === 0) throw new PackageStoreError('BAD_PACKAGE', `the package of chaincode ${name}:${version} is empty`);
    const dir = this.sourceDirOf(name, version);
    const staging = `${dir}.installing`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    try {
      await unpack(codePackage, staging);
      const service = await exists(join(staging, 'connection.json'));
      const top = service || (await exists(join(staging, 'package.json'))) ? staging : join(staging, 'src');
      // What an external builder builds is its business: only what the peer runs itself must be node.
      if (chaincode.external !== true && !service && !(await exists(join(top, 'package.json')))) {
        throw new PackageStoreError(
          'BAD_PACKAGE',
          `the package of chaincode ${name}:${version} has no package.json (at its top or under src/), nor a connection.json`,
        );
      }
      const topName = top === staging ? '.' : 'src';
      chaincode = { ...chaincode, service };
      await writeFile(join(staging, '.weft-package.json'), JSON.stringify({ ...chaincode, top: topName }));
      this.tops.set(key(name, version), topName);
      await writeFile(this.packageFile(name, version), deploymentSpec);
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    }
    this.index.set(key(name, version), chaincode);
  }

  /** The package as it was installed (the deployment spec, or `_lifecycle`'s install package); undefined when not installed. */
  async load(name: string, version: string): Promise<Uint8Array | undefined> {
    if (!this.index.has(key(name, version))) return undefined;
    return readFile(this.packageFile(name, version));
  }

  private packageFile(name: string, version: string): string {
    return join(this.opts.root, this.opts.lifecycle === true ? `${name}.${version}.tar.gz` : `${name}.${version}`);
  }

  /** Takes an installed package away again (one whose build failed); nothing when it is not installed. */
  async remove(name: string, version: string): Promise<void> {
    if (!this.index.delete(key(name, version))) return;
    this.tops.delete(key(name, version));
    await rm(this.sourceDirOf(name, version), { recursive: true, force: true });
    await rm(this.packageFile(name, version), { force: true });
  }

  get(name: string, version: string): InstalledChaincode | undefined {
    return this.index.get(key(name, version));
  }

  list(): InstalledChaincode[] {
    return [...this.index.values()].sort((a, b) => key(a.name, a.version).localeCompare(key(b.name, b.version)));
  }

  /** The folder holding the chaincode's package.json, for the VM that builds and runs it. */
  sourceDir(ccid: CCID): string | undefined {
    const top = this.tops.get(key(ccid.name, ccid.version));
    if (top === undefined) return undefined;
    return join(this.sourceDirOf(ccid.name, ccid.version), top);
  }

  /** The folder the package was unpacked into: its `META-INF` (state database indexes) sits here. */
  packageRoot(ccid: CCID): string | undefined {
    return this.tops.has(key(ccid.name, ccid.version)) ? this.sourceDirOf(ccid.name, ccid.version) : undefined;
  }

  private sourceDirOf(name: string, version: string): string {
    return join(this.opts.root, 'src', `${name}.${version}`);
  }
}

function checkNameAndVersion(name: string, version: string): void {
  if (!NAME.test(name)) throw new PackageStoreError('BAD_PACKAGE', `invalid chaincode name '${name}'. Names can only consist of alphanumerics, '_', and '-'`);
  if (!VERSION.test(version)) {
    throw new PackageStoreError('BAD_PACKAGE', `invalid chaincode version '${version}'. Versions can only consist of alphanumerics, '_', '-', '+', and '.'`);
  }
}

function key(name: string, version: string): string {
  return `${name}:${version}`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function unpack(codePackage: Uint8Array, into: string): Promise<void> {
  try {
    await extractTarGz(codePackage, into);
  } catch (err) {
    throw new PackageStoreError('BAD_PACKAGE', `the chaincode package is not a gzipped tar archive: ${errorMessage(err)}`, { cause: err });
  }
}
