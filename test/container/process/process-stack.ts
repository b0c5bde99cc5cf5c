import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import type { ChaincodeContainerInfo } from '../../../src/chaincode/chaincode-context.js';
import type { CCID } from '../../../src/container/ccintf.js';
import { PROCESS_CONTAINER_TYPE, ProcessVMProvider } from '../../../src/container/process/process-vm-provider.js';
import type { Logger } from '../../../src/common/logging/logging.js';
import type { ChaincodeStack } from '../../../src/peer/chaincode-stack.js';
import { captureLogging } from '../../helpers/capture-logging.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { servedStack } from '../served-stack.js';

/** The test chaincode packages (test/fixtures/chaincode/<name>), from dist/test/container/process. */
export const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/chaincode/', import.meta.url));

/**
 * Builds of the fixtures, kept between test files and runs so that `npm ci` fetches fabric-shim
 * once; a build is redone only when its package changes.
 */
export const SHARED_BUILD_ROOT = join(tmpdir(), 'weft-test-chaincode-build');

export interface ProcessStack extends ChaincodeStack {
  provider: ProcessVMProvider;
  buildRoot: string;
  runRoot: string;
  logger: Logger;
  lines: string[];
  /** How to launch fixture `name` as version 1.0 in a child process. */
  ccci(name: string): ChaincodeContainerInfo;
}

/**
 * The real chaincode machinery with a process VM for user chaincode and the real gRPC listener
 * chaincodes dial back to on 127.0.0.1; all of it stopped when the test file ends.
 */
export async function processStack(
  opts: {
    startupTimeoutMs?: number;
    spec?: string;
    buildRoot?: string;
    packages?: (ccid: CCID) => string | undefined;
    nodeOptions?: (ccid: CCID) => string | undefined;
    alwaysNpm?: boolean;
  } = {},
): Promise<ProcessStack> {
  const { logging, lines } = captureLogging(opts.spec ?? 'info');
  const runRoot = await tempDir('weft-cc-run-');
  const buildRoot = opts.buildRoot ?? SHARED_BUILD_ROOT;
  const logger = logging.logger('processvm');
  const provider = new ProcessVMProvider({
    packages: { sourceDir: opts.packages ?? ((ccid) => join(FIXTURES, ccid.name)) },
    buildRoot,
    runRoot,
    logger,
    logging,
    ...(opts.nodeOptions !== undefined ? { nodeOptions: opts.nodeOptions } : {}),
    ...(opts.alwaysNpm !== undefined ? { alwaysNpm: opts.alwaysNpm } : {}),
  });
  const { stack, server } = await servedStack({ logging, containerType: PROCESS_CONTAINER_TYPE, provider, startupTimeoutMs: opts.startupTimeoutMs });
  const launched = new Set<string>();
  after(async () => {
    for (const name of launched) {
      await stack.chaincodeSupport.stop(ccciOf(name)).catch(() => undefined);
    }
    await server.stop();
  });
  return {
    ...stack,
    provider,
    buildRoot,
    runRoot,
    logger,
    lines,
    ccci(name) {
      launched.add(name);
      return ccciOf(name);
    },
  };
}

function ccciOf(name: string): ChaincodeContainerInfo {
  return { name, version: '1.0', path: name, type: 'NODE', containerType: PROCESS_CONTAINER_TYPE };
}
