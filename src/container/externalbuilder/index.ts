/**
 * External builders and launchers (Fabric's chaincode.externalBuilders).
 *
 * How a peer uses them (one ExternalBuilders and one ExternalVMProvider per peer):
 * - build: `new ExternalBuilders({builders: config.chaincode.externalBuilders, root:
 *   <peer.fileSystemPath>/externalbuilder/builds, logging})`; at install, after storing the package,
 *   `await builders.build(packageId, {metadataJson, codePackage})`: a BuildResult when a builder
 *   claimed it, undefined when none did (the package then goes the peer's usual way). A failure is
 *   an ExternalBuilderError (BUILD_FAILED, RELEASE_FAILED, BAD_PACKAGE...) for the install to return.
 * - restart: for each installed package, `await builders.restore(packageId)` (undefined: not built
 *   by an external builder); nothing is built again.
 * - launch: register `new ExternalVMProvider({builds: builders, mspId, runRoot, logger})` under
 *   EXTERNAL_CONTAINER_TYPE; a package with `builders.get(packageId)` defined launches with
 *   CCAAS_CONTAINER_TYPE when `provider.isChaincodeServer(ccid)` (the ccaas VM reading connection.json
 *   from `provider.chaincodeServerDir(ccid)`), else with EXTERNAL_CONTAINER_TYPE. The CCID is
 *   {name: label, version: hash}, so that canonicalName(ccid) is the package ID.
 * - stop: `provider.stopAll(timeoutMs)` with the other user VMs.
 */
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
