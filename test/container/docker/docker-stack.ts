import { join } from 'node:path';
import { after } from 'node:test';
import type { ChaincodeContainerInfo } from '../../../src/chaincode/chaincode-context.js';
import type { DockerHostConfig } from '../../../src/common/config/core-config.js';
import type { Logger } from '../../../src/common/logging/logging.js';
import type { CCID } from '../../../src/container/ccintf.js';
import { DOCKER_CONTAINER_TYPE } from '../../../src/container/docker/docker-container-type.js';
import { DockerVMProvider } from '../../../src/container/docker/docker-vm-provider.js';
import type { ChaincodeStack } from '../../../src/peer/chaincode-stack.js';
import { captureLogging } from '../../helpers/capture-logging.js';
import { removePeerArtifacts } from '../../helpers/docker-engine.js';
import { FIXTURES, SHARED_BUILD_ROOT } from '../process/process-stack.js';
import { servedStack } from '../served-stack.js';

export interface DockerStack extends ChaincodeStack {
  provider: DockerVMProvider;
  /** This stack's peer ID: container and image names start with `dev-<peerId>-`. */
  peerId: string;
  lines: string[];
  logger: Logger;
  ccci(name: string): ChaincodeContainerInfo;
}

let stacks = 0;
const closers: Array<() => Promise<void>> = [];
// Registered at the top of the test file (hooks registered inside a `before` would run at its end):
// every stack the file made is taken down when it ends.
after(async () => {
  for (const close of closers.splice(0)) await close();
});

/**
 * The real chaincode machinery with a Docker VM for user chaincode on the test engine, and the
 * gRPC listener chaincodes dial back to on 127.0.0.1 (the containers share the host's network).
 * A peer ID of its own, so that test files running at once never touch each other's containers;
 * its containers and images are removed when the file ends.
 */
export async function dockerStack(opts: {
  endpoint: string;
  runtimeImage: string;
  spec?: string;
  startupTimeoutMs?: number;
  buildRoot?: string;
  packages?: (ccid: CCID) => string | undefined;
  attachStdout?: boolean;
  forceRebuild?: boolean;
  hostConfig?: Partial<DockerHostConfig>;
}): Promise<DockerStack> {
  const { logging, lines } = captureLogging(opts.spec ?? 'info');
  const peerId = `t${process.pid}x${stacks++}`;
  const logger = logging.logger('dockercontroller');
  const provider = new DockerVMProvider({
    endpoint: opts.endpoint,
    peer: { networkId: 'dev', peerId },
    packages: { sourceDir: opts.packages ?? ((ccid) => join(FIXTURES, ccid.name)) },
    buildRoot: opts.buildRoot ?? SHARED_BUILD_ROOT,
    runtimeImage: opts.runtimeImage,
    hostConfig: { NetworkMode: 'host', Init: true, ...opts.hostConfig },
    attachStdout: opts.attachStdout ?? true,
    forceRebuild: opts.forceRebuild ?? false,
    logger,
    logging,
  });
  const { stack, server } = await servedStack({ logging, containerType: DOCKER_CONTAINER_TYPE, provider, startupTimeoutMs: opts.startupTimeoutMs });
  closers.push(async () => {
    await provider.stopAll(1000).catch(() => undefined);
    await server.stop();
    await removePeerArtifacts(opts.endpoint, 'dev', peerId);
  });
  return { ...stack, provider, peerId, lines, logger, ccci: ccciOf };
}

export function ccciOf(name: string): ChaincodeContainerInfo {
  return { name, version: '1.0', path: name, type: 'NODE', containerType: DOCKER_CONTAINER_TYPE };
}
