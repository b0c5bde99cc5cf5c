import { basename, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { create as createTar } from 'tar';
import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import { containerName, type CCID } from '../ccintf.js';
import { ContainerError } from '../container-error.js';
import type { DockerEngine } from './docker-engine.js';
import { memoryTar } from './memory-tar.js';

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
 * Turns a built chaincode package into an image: `FROM <runtime>` and one COPY of the built
 * folder, sent as a tar build context. Nothing runs inside Docker, so a build needs no network
 * and no package manager in the image; the dependencies were installed on the peer's side.
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

  private async build(req: ImageRequest): Promise<void> {
    const { engine, runtimeImage, logger } = this.opts;
    const name = containerName(req.ccid);
    const folder = basename(req.buildDir);
    logger.info('deployImage', `building image ${req.image} for chaincode ${name} from ${runtimeImage}`);
    const started = performance.now();
    const dockerfile = `FROM ${runtimeImage}\nCOPY ${folder} ${CHAINCODE_DIR}\n`;
    const context = Readable.from(buildContext(dockerfile, createTar({ cwd: dirname(req.buildDir), portable: true }, [folder])));
    const what = `build image ${req.image} for chaincode ${name}`;
    const output = await engine.call(what, (d) =>
      d.buildImage(context, {
        t: req.image,
        labels: { [PACKAGE_LABEL]: req.hash, [RUNTIME_LABEL]: runtimeImage },
        // Intermediate containers go, even when a step fails.
        rm: true,
        forcerm: true,
      }),
    );
    if (output === undefined) throw new ContainerError('BUILD_FAILED', `${what}: the engine gave no build output`);
    const result = await readBuildOutput(output, (line) => logger.debug('deployImage', line));
    if (result.error !== undefined) {
      const step = result.step === undefined ? '' : ` at ${result.step}`;
      throw new ContainerError('BUILD_FAILED', `${what} failed${step}: ${result.error}`);
    }
    logger.info('deployImage', `Created image: ${req.image} (${Math.round(performance.now() - started)} ms)`);
  }
}

/** The build context: the Dockerfile, then the package folder. */
async function* buildContext(dockerfile: string, pack: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield memoryTar(new Map([['Dockerfile', Buffer.from(dockerfile)]]), { mode: 0o644, end: false });
  yield* pack;
}

interface BuildResult {
  /** The step the build was at (`Step 2/2 : COPY ...`). */
  step: string | undefined;
  error: string | undefined;
}

/** Reads the engine's build progress (JSON lines) to its end: the last step reached, and the error, if any. */
async function readBuildOutput(output: NodeJS.ReadableStream, onLine: (line: string) => void): Promise<BuildResult> {
  const result: BuildResult = { step: undefined, error: undefined };
  let partial = '';
  const take = (text: string): void => {
    if (text.trim() === '') return;
    let message: { stream?: unknown; error?: unknown; errorDetail?: { message?: unknown } };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      onLine(text);
      return;
    }
    if (typeof message.stream === 'string') {
      for (const line of message.stream.split('\n')) {
        if (line.trim() === '') continue;
        onLine(line.trimEnd());
        if (/^Step \d+\/\d+ : /.test(line)) result.step = line.trim();
      }
    }
    const error = message.errorDetail?.message ?? message.error;
    if (typeof error === 'string') result.error = error.trim();
  };
  for await (const chunk of output) {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) take(line);
  }
  take(partial);
  return result;
}
