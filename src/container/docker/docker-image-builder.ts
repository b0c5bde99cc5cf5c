import { readdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { create as createTar } from 'tar';
import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import { containerName, type CCID } from '../ccintf.js';
import { ContainerError } from '../container-error.js';
import { BUILD_MARK } from '../process/package-builder.js';
import type { DockerEngine } from './docker-engine.js';

/** Image labels that say what an image was built from, so that a launch can tell whether it is current. */
export const PACKAGE_LABEL = 'org.hyperledger.weft.package.hash';
export const RUNTIME_LABEL = 'org.hyperledger.weft.runtime';

/** Where the package goes in the image: the folder Fabric's Node.js launch command starts it from. */
const CHAINCODE_DIR = '/usr/local/src';

export interface DockerImageBuilderOptions {
  engine: DockerEngine;
  /** The base image (chaincode.node.runtime). */
  runtimeImage: string;
  logger: Logger;
}

export interface ImageRequest {
  ccid: CCID;
  image: string;
  /** The package built on the peer's side, dependencies installed. */
  buildDir: string;
  /** The hash of the source that build was made from. */
  hash: string;
  /** Build even when a current image exists. */
  force: boolean;
}

/**
 * Turns a built chaincode package into an image: the runtime image with the built folder at
 * /usr/local/src. Nothing runs inside Docker, so a build needs no network and no package manager
 * in the image; the dependencies were installed on the peer's side.
 */
export class DockerImageBuilder {
  constructor(private readonly opts: DockerImageBuilderOptions) {}

  /** Makes sure `image` holds this build of the package on this runtime; says whether it built it. */
  async ensure(req: ImageRequest): Promise<boolean> {
    const { engine, runtimeImage, logger } = this.opts;
    const existing = await engine.call(`inspect image ${req.image}`, (d) => d.getImage(req.image).inspect(), [404]);
    const labels = existing?.Config.Labels ?? {};
    if (existing !== undefined && !req.force && labels[PACKAGE_LABEL] === req.hash && labels[RUNTIME_LABEL] === runtimeImage) {
      logger.debug('deployImage', `reusing image ${req.image} for chaincode ${containerName(req.ccid)}`);
      return false;
    }
    await this.build(req);
    // The image the tag pointed at before is now nameless: remove it unless a container still uses it.
    if (existing !== undefined) {
      await engine.call(`remove image ${existing.Id}`, (d) => d.getImage(existing.Id).remove(), [404, 409]).catch((err: unknown) => {
        logger.warn('deployImage', `could not remove the previous image of ${req.image}: ${errorMessage(err)}`);
      });
    }
    return true;
  }

  /**
   * Builds without a Dockerfile: a container is created (never started) from the runtime image,
   * the package is unpacked into it, and it is committed as the image. The engine's builder would
   * do the same through more intermediate containers (one per step, labels included), each a full
   * copy of the file system on storage drivers without layers to share (vfs).
   */
  private async build(req: ImageRequest): Promise<void> {
    const { engine, runtimeImage, logger } = this.opts;
    const name = containerName(req.ccid);
    const what = (step: string): string => `build image ${req.image} for chaincode ${name} failed at step "${step}"`;
    logger.info('deployImage', `building image ${req.image} for chaincode ${name} from ${runtimeImage}`);
    const started = performance.now();
    const base = await this.runtime(what);
    const created = await this.step(what(`create a build container from ${runtimeImage}`), (d) =>
      d.createContainer({
        Image: runtimeImage,
        // Never run: only a placeholder for images that declare no command, kept as the base's when it has one.
        // (Docker sends null for an image without a command, whatever the typings say.)
        Cmd: (base.Config.Cmd as string[] | null) ?? ['/bin/sh'],
        Labels: { ...base.Config.Labels, [PACKAGE_LABEL]: req.hash, [RUNTIME_LABEL]: runtimeImage },
      }),
    );
    try {
      const entries = (await readdir(req.buildDir)).filter((entry) => entry !== BUILD_MARK);
      const archive = Readable.from(createTar({ cwd: req.buildDir, portable: true, prefix: CHAINCODE_DIR.slice(1) }, entries));
      await this.step(what(`copy ${req.buildDir} to ${CHAINCODE_DIR}`), (d) => d.getContainer(created.id).putArchive(archive, { path: '/' }));
      await this.step(what('commit the image'), (d) => d.getContainer(created.id).commit({ repo: req.image, tag: 'latest' }));
    } finally {
      // Not waited for: the image is complete without it, and removing a copy of a file system takes a while on some storage drivers.
      void engine.call(`remove build container ${created.id}`, (d) => d.getContainer(created.id).remove({ force: true }), [404]).catch((err: unknown) => {
        logger.warn('deployImage', `could not remove build container ${created.id}: ${errorMessage(err)}`);
      });
    }
    logger.info('deployImage', `Created image: ${req.image} (${Math.round(performance.now() - started)} ms)`);
  }

  /** The runtime image, pulled when the engine does not have it. */
  private async runtime(what: (step: string) => string): Promise<Docker.ImageInspectInfo> {
    const { engine, runtimeImage, logger } = this.opts;
    const local = await engine.call(`inspect ${runtimeImage}`, (d) => d.getImage(runtimeImage).inspect(), [404]);
    if (local !== undefined) return local;
    logger.info('deployImage', `pulling image ${runtimeImage}`);
    const progress = await this.step(what(`pull ${runtimeImage}`), (d) => d.pull(runtimeImage));
    const error = await progressError(progress);
    if (error !== undefined) throw new ContainerError('BUILD_FAILED', `${what(`pull ${runtimeImage}`)}: ${error}`);
    const pulled = await this.step(what(`inspect ${runtimeImage}`), (d) => d.getImage(runtimeImage).inspect());
    return pulled;
  }

  /** One step of a build; its failure is BUILD_FAILED, naming the step (unless the engine is unreachable). */
  private async step<T>(what: string, fn: (d: Docker) => Promise<T>): Promise<T> {
    try {
      return await fn(this.opts.engine.docker);
    } catch (err) {
      const failure = this.opts.engine.failure(what, err);
      throw failure.code === 'ENGINE_FAILED' ? new ContainerError('BUILD_FAILED', failure.message, { cause: err }) : failure;
    }
  }
}


/** Reads the engine's progress messages (JSON lines) to their end: the error one of them reports, if any. */
async function progressError(progress: NodeJS.ReadableStream): Promise<string | undefined> {
  let error: string | undefined;
  let partial = '';
  const take = (line: string): void => {
    if (line.trim() === '') return;
    try {
      const message = JSON.parse(line) as { error?: unknown; errorDetail?: { message?: unknown } };
      const text = message.errorDetail?.message ?? message.error;
      if (typeof text === 'string') error = text.trim();
    } catch {
      // Not a progress message: nothing to learn from it.
    }
  };
  for await (const chunk of progress) {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    lines.forEach(take);
  }
  take(partial);
  return error;
}
