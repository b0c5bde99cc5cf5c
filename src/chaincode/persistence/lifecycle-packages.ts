import { mkdir } from 'node:fs/promises';
import type { Logger } from '../../common/logging/logging.js';
import { errorMessage, WeftError } from '../../common/errors/weft-error.js';
import type { CCID } from '../../container/ccintf.js';
import { PackageStore } from '../package-store.js';
import { packageIdOf, parseInstallPackage, splitPackageId, type InstallPackageMetadata } from './chaincode-install-package.js';

export class LifecyclePackageError extends WeftError<'ALREADY_INSTALLED' | 'BUILD_FAILED'> {}

/** Builds packages with the builders of chaincode.externalBuilders; undefined when none detects the package. */
export interface ExternalBuild {
  build(packageId: string, pkg: { metadata: InstallPackageMetadata; codePackage: Uint8Array }): Promise<{ builder: string } | undefined>;
  /** Finds a package's kept build after a restart; false when there is none (its builder is gone, say). */
  restore(packageId: string): Promise<boolean>;
}

export interface LifecyclePackagesOptions {
  /** `<peer.fileSystemPath>/lifecycle/chaincodes`, Fabric's `_lifecycle` install folder. */
  root: string;
  externalBuilders?: ExternalBuild | undefined;
  /**
   * Builds a node package the peer runs itself, at install as Fabric builds (npm): a package that
   * cannot be built is refused and taken away again. None where the peer builds at launch.
   */
  build?: ((ccid: CCID) => Promise<void>) | undefined;
  logger: Logger;
}

/** The package types the peer builds itself: node code, and chaincode-as-a-service (a connection.json). */
const BUILT_IN_TYPES = new Set(['node', 'ccaas']);

/**
 * The packages installed with `_lifecycle`, by package ID (`label:sha256`): the install package
 * kept as Fabric keeps it, and its code unpacked beside it for the VM that runs it. A package's
 * CCID is its label and hash, so the CCID's canonical name is the package ID, which the chaincode
 * registers with. External builders see every package first; the built-in node and ccaas
 * handling takes what none of them detects.
 */
export class LifecyclePackages {
  private constructor(
    private readonly store: PackageStore,
    private readonly opts: LifecyclePackagesOptions,
  ) {}

  static async open(opts: LifecyclePackagesOptions): Promise<LifecyclePackages> {
    await mkdir(opts.root, { recursive: true });
    const packages = new LifecyclePackages(await PackageStore.open({ root: opts.root, lifecycle: true }), opts);
    // Packages external builders built are found again, not built again; one that cannot be is logged, and fails at launch.
    for (const found of packages.store.list()) {
      if (found.external !== true) continue;
      const packageId = `${found.name}:${found.version}`;
      const restored = await opts.externalBuilders?.restore(packageId).catch((err: unknown) => {
        opts.logger.warn('open', `could not restore the external build of ${packageId}: ${errorMessage(err)}`);
        return true;
      });
      if (restored === false) opts.logger.warn('open', `package ${packageId} was built by an external builder, and its build is gone`);
    }
    return packages;
  }

  async install(installPackage: Uint8Array): Promise<{ packageId: string; label: string }> {
    const { metadata, codePackage } = await parseInstallPackage(installPackage).catch((err: unknown) => {
      throw new LifecyclePackageError('BUILD_FAILED', `could not parse as a chaincode install package: ${errorMessage(err)}`, { cause: err });
    });
    const packageId = packageIdOf(metadata.label, installPackage);
    const { label, hash } = splitPackageId(packageId) as { label: string; hash: string };
    if (this.store.get(label, hash) !== undefined) {
      throw new LifecyclePackageError('ALREADY_INSTALLED', `chaincode already successfully installed (package ID '${packageId}')`);
    }
    let external = false;
    try {
      const built = await this.opts.externalBuilders?.build(packageId, { metadata, codePackage });
      external = built !== undefined;
      if (built !== undefined) this.opts.logger.info('InstallChaincode', `package ${packageId} built by external builder ${built.builder}`);
      const type = metadata.type.toLowerCase();
      if (!external && !BUILT_IN_TYPES.has(type)) {
        throw new LifecyclePackageError(
          'BUILD_FAILED',
          `no builder for chaincode type '${metadata.type}': this peer builds node chaincode and chaincode-as-a-service (ccaas) packages itself; configure chaincode.externalBuilders for others`,
        );
      }
      await this.store.install({ name: label, version: hash, type: type === 'node' ? 'NODE' : type.toUpperCase(), external }, codePackage, installPackage);
      if (!external && type === 'node' && this.opts.build !== undefined) {
        await this.opts.build({ name: label, version: hash }).catch(async (err: unknown) => {
          await this.store.remove(label, hash);
          throw err;
        });
      }
    } catch (err) {
      throw new LifecyclePackageError('BUILD_FAILED', `could not build chaincode: ${errorMessage(err)}`, { cause: err });
    }
    return { packageId, label };
  }

  get(packageId: string): { packageId: string; label: string } | undefined {
    const parts = splitPackageId(packageId);
    if (parts === undefined || this.store.get(parts.label, parts.hash) === undefined) return undefined;
    return { packageId, label: parts.label };
  }

  list(): Array<{ packageId: string; label: string }> {
    return this.store.list().map((c) => ({ packageId: `${c.name}:${c.version}`, label: c.name }));
  }

  load(packageId: string): Promise<Uint8Array | undefined> {
    const parts = splitPackageId(packageId);
    return parts === undefined ? Promise.resolve(undefined) : this.store.load(parts.label, parts.hash);
  }

  /** How the package runs: dialled (a service), by its external builder, or built and run by the peer. */
  kind(ccid: CCID): 'service' | 'external' | 'built-in' | undefined {
    const found = this.store.get(ccid.name, ccid.version);
    if (found === undefined) return undefined;
    return found.service === true ? 'service' : found.external === true ? 'external' : 'built-in';
  }

  sourceDir(ccid: CCID): string | undefined {
    return this.store.sourceDir(ccid);
  }

  packageRoot(ccid: CCID): string | undefined {
    return this.store.packageRoot(ccid);
  }
}

/** The CCID of an installed package: its label and hash, whose canonical name is the package ID. */
export function ccidOfPackage(packageId: string): CCID | undefined {
  const parts = splitPackageId(packageId);
  return parts === undefined ? undefined : { name: parts.label, version: parts.hash };
}
