import type { ChaincodeContainerInfo } from '../chaincode/chaincode-context.js';
import type { ChaincodeDefinitionSource } from '../chaincode/definitions.js';
import { ccidOfPackage } from '../chaincode/persistence/lifecycle-packages.js';
import type { CCID } from '../container/ccintf.js';
import type { EndorsementInfo, EndorsementInfoSource } from '../endorser/endorser.js';
import { WeftError } from '../common/errors/weft-error.js';
import { currentSequence } from '../scc/lifecycle/definition-state.js';
import { LIFECYCLE_NAMESPACE } from '../scc/lifecycle/lifecycle-namespace.js';
import { readChaincodeDefinition } from '../scc/lscc/chaincode-definition.js';

export class ChaincodeUnavailableError extends WeftError<'NOT_APPROVED' | 'NOT_INSTALLED' | 'DEFINITION_CHANGED'> {}

export interface PeerEndorsementInfoOptions {
  /** `_lifecycle`'s committed definitions (with this org's approval), read once per block. */
  definitions: ChaincodeDefinitionSource;
  /** Is this package installed here? */
  installed(packageId: string): boolean;
  /** The container type a chaincode runs in, by its CCID (a package's, or lscc's name and version). */
  containerTypeOf(ccid: CCID, lifecycle: boolean): string;
  /** Dev mode: the developer runs the chaincode as `name:version`, installed or not. */
  devMode: boolean;
}

/**
 * How a user chaincode runs on this peer, as Fabric's endorser decides it: the chaincode's
 * `_lifecycle` sequence is read through the transaction (so that a definition committed meanwhile
 * invalidates it); a defined chaincode runs the package this org approved, which must be
 * installed; one `_lifecycle` does not define runs as lscc defined it.
 */
export class PeerEndorsementInfo implements EndorsementInfoSource {
  constructor(private readonly opts: PeerEndorsementInfoOptions) {}

  async endorsementInfo(channelId: string, name: string, sim: { getState(namespace: string, key: string): Promise<Uint8Array | undefined> }): Promise<EndorsementInfo | undefined> {
    const sequence = await currentSequence(name, { getState: (key) => sim.getState(LIFECYCLE_NAMESPACE, key) });
    if (sequence === 0) {
      const legacy = await readChaincodeDefinition(sim, name);
      if (legacy === undefined) return undefined;
      const ccid = { name, version: legacy.version };
      return { version: legacy.version, initRequired: false, ccci: this.containerInfo(ccid, false) };
    }
    const definition = await this.opts.definitions.definition(channelId, name);
    if (definition?.sequence !== sequence) {
      throw new ChaincodeUnavailableError(
        'DEFINITION_CHANGED',
        `chaincode cache at sequence ${definition?.sequence ?? 0} but current sequence is ${sequence}, chaincode definition for '${name}' changed during invoke`,
      );
    }
    if (definition.approvedByThisOrg !== true) {
      throw new ChaincodeUnavailableError('NOT_APPROVED', `chaincode definition for '${name}' at sequence ${sequence} on channel '${channelId}' has not yet been approved by this org`);
    }
    let packageId = definition.approvedPackageId;
    if (this.opts.devMode) packageId ??= `${name}:${definition.version}`;
    const ccid = packageId === undefined ? undefined : ccidOfPackage(packageId);
    if (packageId === undefined || ccid === undefined || (!this.opts.devMode && !this.opts.installed(packageId))) {
      throw new ChaincodeUnavailableError('NOT_INSTALLED', `chaincode definition for '${name}' exists, but chaincode is not installed`);
    }
    return { version: definition.version, initRequired: definition.initRequired === true, ccci: this.containerInfo(ccid, true) };
  }

  private containerInfo(ccid: CCID, lifecycle: boolean): ChaincodeContainerInfo {
    return { name: ccid.name, version: ccid.version, path: '', type: 'NODE', containerType: this.opts.containerTypeOf(ccid, lifecycle) };
  }
}
