import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import { Builder, type BuildFolders, type ExternalBuilderDefinition } from './builder.js';
import { ExternalBuilderError } from './external-builder-error.js';
import { packageIdPath } from './package-id-path.js';
import { untarCodePackage } from './untar-code-package.js';

/** Makes named loggers (Logging.logger). */
export interface LoggerFactory {
  logger(module: string): Logger;
}

export interface ExternalBuildersOptions {
  /** chaincode.externalBuilders, in the order detection tries them. */
  builders: readonly ExternalBuilderDefinition[];
  /** Where builds are kept, one folder per package: `<peer.fileSystemPath>/externalbuilder/builds` in Fabric. */
  root: string;
  /** Gives `chaincode.externalbuilder` and `chaincode.externalbuilder.<name>`, Fabric's loggers. */
  logging: LoggerFactory;
  /** The peer's environment, of which builders get what they propagate; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** How many last lines of a failed command's output its error quotes; 20 by default. */
  keepLines?: number;
}

/** An install package's two parts, as the install store has them. */
export interface CodePackageParts {
  /** metadata.json, as packed (handed to the builder as it is). */
  metadataJson: Uint8Array | string;
  /** code.tar.gz, as packed. */
  codePackage: Uint8Array;
}

/** A package built by an external builder, kept under the builds root. */
export interface BuildResult {
  packageId: string;
  /** The builder that detected and built it; its bin/run runs it. */
  builder: Builder;
  /** bin/build's output (`<root>/<package>/bld`). */
  buildDir: string;
  /** bin/release's output (`<root>/<package>/release`); empty when the builder has no release. */
  releaseDir: string;
  /**
   * `release/chaincode/server` when it holds connection.json: the chaincode runs as a server the
   * peer dials (chaincode as a service), not through bin/run.
   */
  chaincodeServerDir: string | undefined;
}

/** Fabric's file of a kept build, naming its builder. */
export const BUILD_INFO_FILE = 'build-info.json';
/** Where a release says "dial me": `<release>/chaincode/server/connection.json`. */
export const CHAINCODE_SERVER_RELEASE_DIR = join('chaincode', 'server');

/**
 * The configured external builders and the builds they made (Fabric's externalbuilder.Detector).
 * `build` tries each builder's bin/detect in order; the first that claims the package builds it
 * (bin/build, then bin/release when there is one), and the output is kept under the root by
 * package ID, in Fabric's layout (`bld/`, `release/`, `build-info.json`), so that `restore` finds
 * it after a restart without building again.
 */
export class ExternalBuilders {
  private readonly builders: Builder[];
  private readonly logger: Logger;
  private readonly known = new Map<string, BuildResult>();
  private readonly pending = new Map<string, Promise<BuildResult | undefined>>();

  constructor(private readonly opts: ExternalBuildersOptions) {
    this.logger = opts.logging.logger('chaincode.externalbuilder');
    const env = opts.env ?? process.env;
    const keepLines = opts.keepLines ?? 20;
    this.builders = opts.builders.map(
      (definition) =>
        new Builder({ definition, env, logger: opts.logging.logger(`chaincode.externalbuilder.${definition.name}`), detectorLogger: this.logger, keepLines }),
    );
  }

  /** The configured builders' names, in detection order. */
  get builderNames(): string[] {
    return this.builders.map((b) => b.name);
  }

  /** A build this instance has made or restored; undefined for any other package. */
  get(packageId: string): BuildResult | undefined {
    return this.known.get(packageId);
  }

  /**
   * Builds a package with the first builder whose bin/detect claims it; undefined when none does
   * (or none is configured): the package is then not for external builders. A package already
   * built (now or before a restart) is not built again. Fails with ExternalBuilderError when the
   * build or release fails (naming the builder, the exit and its last output) or the package
   * cannot be unpacked. Aborting `signal` kills the builder command running.
   */
  async build(packageId: string, parts: CodePackageParts, options: { signal?: AbortSignal } = {}): Promise<BuildResult | undefined> {
    if (this.builders.length === 0) return undefined;
    const running = this.pending.get(packageId);
    if (running !== undefined) return running;
    const job = this.buildOnce(packageId, parts, options.signal).finally(() => this.pending.delete(packageId));
    this.pending.set(packageId, job);
    return job;
  }

  /**
   * The kept build of a package (after a restart), or undefined when it was never built here.
   * Fails when the build is unreadable or its builder is no longer configured.
   */
  async restore(packageId: string): Promise<BuildResult | undefined> {
    const dir = join(this.opts.root, packageIdPath(packageId));
    try {
      await stat(dir);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw new ExternalBuilderError('BUILD_UNREADABLE', `existing build detected, but something went wrong inspecting it: ${errorMessage(err)}`, {}, { cause: err });
    }
    const infoFile = join(dir, BUILD_INFO_FILE);
    let builderName: unknown;
    try {
      builderName = (JSON.parse(await readFile(infoFile, 'utf8')) as { builder_name?: unknown }).builder_name;
    } catch (err) {
      throw new ExternalBuilderError('BUILD_UNREADABLE', `could not read '${infoFile}' for build info: ${errorMessage(err)}`, {}, { cause: err });
    }
    if (typeof builderName !== 'string') throw new ExternalBuilderError('BUILD_UNREADABLE', `malformed build info at '${infoFile}': no builder_name`);
    const builder = this.builders.find((b) => b.name === builderName);
    if (builder === undefined) {
      throw new ExternalBuilderError(
        'BUILDER_UNAVAILABLE',
        `chaincode '${packageId}' was already built with builder '${builderName}', but that builder is no longer available`,
        { builder: builderName },
      );
    }
    const result = await buildResultOf(packageId, builder, dir);
    this.known.set(packageId, result);
    return result;
  }

  private async buildOnce(packageId: string, parts: CodePackageParts, signal: AbortSignal | undefined): Promise<BuildResult | undefined> {
    const cached = await this.restore(packageId).catch((err: unknown) => {
      throw new ExternalBuilderError('BUILD_UNREADABLE', `existing build could not be restored: ${errorMessage(err)}`, {}, { cause: err });
    });
    if (cached !== undefined) return cached;
    const durable = join(this.opts.root, packageIdPath(packageId));
    await mkdir(this.opts.root, { recursive: true, mode: 0o700 });
    // Scratch space beside the kept builds: the finished output moves into place in one rename,
    // so that a peer stopped mid-build never finds half a build.
    const scratch = await mkdtemp(join(this.opts.root, `.tmp-${packageIdPath(packageId)}-`));
    try {
      const out = join(scratch, 'out');
      const folders = await buildContext(scratch, out, parts);
      const builder = await this.detect(folders, signal);
      if (builder === undefined) {
        this.logger.debug('Build', `no external builder detected for ${packageId}`);
        return undefined;
      }
      await builder.build(folders, signal);
      await builder.release(packageId, folders, signal);
      await writeFile(join(out, BUILD_INFO_FILE), JSON.stringify({ builder_name: builder.name }), { mode: 0o600 });
      await rename(out, durable).catch((err: unknown) => {
        throw new ExternalBuilderError('BUILD_UNREADABLE', `could not move build output to persistent location '${durable}': ${errorMessage(err)}`, {}, { cause: err });
      });
      this.logger.info('Build', `built chaincode package ${packageId} with external builder '${builder.name}' into ${durable}`);
      const result = await buildResultOf(packageId, builder, durable);
      this.known.set(packageId, result);
      return result;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private async detect(folders: BuildFolders, signal: AbortSignal | undefined): Promise<Builder | undefined> {
    for (const builder of this.builders) {
      if (await builder.detect(folders, signal)) return builder;
    }
    return undefined;
  }
}

/** The folders a build runs in (src, metadata with metadata.json, bld, release), the package unpacked. */
async function buildContext(scratch: string, out: string, parts: CodePackageParts): Promise<BuildFolders> {
  const folders: BuildFolders = {
    sourceDir: join(scratch, 'src'),
    metadataDir: join(scratch, 'metadata'),
    buildDir: join(out, 'bld'),
    releaseDir: join(out, 'release'),
  };
  for (const dir of [folders.sourceDir, folders.metadataDir, folders.buildDir, folders.releaseDir]) await mkdir(dir, { recursive: true, mode: 0o700 });
  await untarCodePackage(parts.codePackage, folders.sourceDir);
  await writeFile(join(folders.metadataDir, 'metadata.json'), parts.metadataJson, { mode: 0o600 });
  return folders;
}

async function buildResultOf(packageId: string, builder: Builder, dir: string): Promise<BuildResult> {
  const releaseDir = join(dir, 'release');
  const serverDir = join(releaseDir, CHAINCODE_SERVER_RELEASE_DIR);
  const isServer = await stat(join(serverDir, 'connection.json')).then(
    (s) => s.isFile(),
    () => false,
  );
  return { packageId, builder, buildDir: join(dir, 'bld'), releaseDir, chaincodeServerDir: isServer ? serverDir : undefined };
}

function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
