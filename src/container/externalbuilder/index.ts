// External builders and launchers (Fabric's chaincode.externalBuilders): build installed packages
// with them, keep and restore the builds, and launch them with bin/run.
export { Builder, type BuildFolders, type ExternalBuilderDefinition } from './builder.js';
export { builderEnv, DEFAULT_PROPAGATE_ENVIRONMENT } from './builder-env.js';
export { ExternalBuilderError, type BuilderStep, type ExternalBuilderErrorCode } from './external-builder-error.js';
export {
  BUILD_INFO_FILE,
  CHAINCODE_SERVER_RELEASE_DIR,
  ExternalBuilders,
  type BuildResult,
  type CodePackageParts,
  type ExternalBuildersOptions,
  type LoggerFactory,
} from './external-builders.js';
export { EXTERNAL_CONTAINER_TYPE, ExternalVMProvider, type ExternalBuildSource, type ExternalVMProviderOptions } from './external-vm-provider.js';
export { packageIdPath } from './package-id-path.js';
export { RUN_CONFIG_FILE, runConfigOf, type RunConfig } from './run-config.js';
