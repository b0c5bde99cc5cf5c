import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CoreConfig } from '../common/config/core-config.js';
import type { Logging } from '../common/logging/logging.js';
import { CCAAS_CONTAINER_TYPE, CcaasVMProvider } from '../container/ccaas/ccaas-vm-provider.js';
import { DEV_CONTAINER_TYPE, DevVMProvider } from '../container/dev/dev-vm-provider.js';
import { DOCKER_CONTAINER_TYPE } from '../container/docker/docker-container-type.js';
import { PROCESS_CONTAINER_TYPE, ProcessVMProvider } from '../container/process/process-vm-provider.js';
import type { CCID } from '../container/ccintf.js';
import type { VMProvider } from '../container/vm.js';
import type { HealthRegistry } from '../operations/health-registry.js';
import { EXTERNAL_CONTAINER_TYPE, ExternalBuilders, ExternalVMProvider } from '../container/externalbuilder/index.js';

export interface UserVMsOptions {
  config: CoreConfig;
  logging: Logging;
  /** The source folder of an installed package; the store opens later than the VMs are built. */
  sourceDir: (ccid: CCID) => string | undefined;
  /** Where chaincodes dial the peer (dev mode prints it). */
  peerAddress: () => string;
  health: HealthRegistry;
}

/** The VMs user chaincode runs in, by container type, and the ones to stop when the peer stops. */
export interface UserVMs {
  /** The container type of a chaincode not run as a service (vm.type, or dev mode). */
  userType: string;
  providers: Map<string, VMProvider>;
  stoppable: Array<{ stopAll(timeoutMs: number): Promise<void> }>;
  ccaas: CcaasVMProvider;
  /** Builds an installed node package now, where the peer runs chaincode as processes; absent otherwise (Docker builds at launch, dev mode not at all). */
  prebuild?: ((ccid: CCID) => Promise<void>) | undefined;
  /** chaincode.externalBuilders: they build `_lifecycle` packages they detect, and run them. */
  externalBuilders: ExternalBuilders;
  external: ExternalVMProvider;
}

/**
 * A service package is dialled wherever it runs; otherwise the peer runs the code (in a process or
 * a Docker container, by vm.type), or in dev mode the developer does.
 */
export async function createUserVMs(opts: UserVMsOptions): Promise<UserVMs> {
  const { config, logging } = opts;
  const externalBuilders = new ExternalBuilders({
    builders: config.chaincode.externalBuilders,
    root: join(config.peer.fileSystemPath, 'externalbuilder', 'builds'),
    logging,
  });
  const external = new ExternalVMProvider({
    builds: externalBuilders,
    mspId: config.peer.localMspId,
    runRoot: join(config.peer.fileSystemPath, 'externalbuilder', 'run'),
    logger: logging.logger('chaincode.externalbuilder'),
  });
  // A chaincode server an external builder released is dialled from its release's connection.json.
  const packages = { sourceDir: (ccid: CCID) => external.chaincodeServerDir(ccid) ?? opts.sourceDir(ccid) };
  const devMode = config.chaincode.mode === 'dev';
  const userType = devMode ? DEV_CONTAINER_TYPE : config.vm.type === 'docker' ? DOCKER_CONTAINER_TYPE : PROCESS_CONTAINER_TYPE;
  const ccaas = new CcaasVMProvider({ packages, logger: logging.logger('container.ccaas') });
  const providers = new Map<string, VMProvider>([
    [CCAAS_CONTAINER_TYPE, ccaas],
    [EXTERNAL_CONTAINER_TYPE, external],
  ]);
  const stoppable: UserVMs['stoppable'] = [ccaas, external];
  let prebuild: UserVMs['prebuild'];
  if (devMode) {
    providers.set(DEV_CONTAINER_TYPE, new DevVMProvider({ logger: logging.logger('chaincode'), peerAddress: opts.peerAddress }));
  } else {
    const nodeOptions = config.chaincode.nodeOptions;
    const processes = new ProcessVMProvider({
      packages,
      buildRoot: join(config.peer.fileSystemPath, 'chaincodes', 'build'),
      runRoot: join(config.peer.fileSystemPath, 'chaincodes', 'run'),
      logger: logging.logger('container.process'),
      logging,
      nodeOptions: nodeOptions === '' ? undefined : () => nodeOptions,
      dependencyCache: dependencyCacheDir(config.chaincode.node.dependencyCache),
    });
    providers.set(PROCESS_CONTAINER_TYPE, processes);
    if (config.vm.type !== 'docker') {
      prebuild = async (ccid) => {
        await processes.build(ccid);
      };
    }
    stoppable.push(processes);
  }
  if (userType === DOCKER_CONTAINER_TYPE) {
    // Loaded only when configured: the Docker client library stays off every other peer's start-up.
    const { DockerVMProvider } = await import('../container/docker/docker-vm-provider.js');
    const docker = new DockerVMProvider({
      endpoint: config.vm.endpoint,
      peer: { networkId: config.peer.networkId, peerId: config.peer.id },
      packages,
      buildRoot: join(config.peer.fileSystemPath, 'chaincodes', 'build'),
      runtimeImage: config.chaincode.node.runtime,
      hostConfig: config.vm.docker.hostConfig,
      attachStdout: config.vm.docker.attachStdout,
      forceRebuild: config.vm.docker.forceRebuild,
      logger: logging.logger('dockercontroller'),
      logging,
    });
    providers.set(DOCKER_CONTAINER_TYPE, docker);
    stoppable.push(docker);
    opts.health.register('docker', docker);
    // In the background: start-up does not wait on the engine, which may not even answer.
    void docker.removeLeftovers();
  }
  return { userType, providers, stoppable, ccaas, externalBuilders, external, prebuild };
}

/** chaincode.node.dependencyCache: '' is the user's cache folder, 'off' none. */
function dependencyCacheDir(setting: string): string | undefined {
  if (setting === 'off') return undefined;
  if (setting !== '') return setting;
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'weft', 'node-modules');
}
