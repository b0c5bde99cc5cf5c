import type { ChaincodeDefinition, ChaincodeDefinitionSource } from '../../chaincode/definitions.js';
import { SignaturePolicyEnvelope } from '../../common/protos/collection.js';
import { ApplicationPolicy } from '../../common/protos/lifecycle.js';
import { privateName, parametersDiffer, readApprovedPackage, readApprovedParameters, readDefinition, type LifecycleDefinition } from './definition-state.js';
import { implicitCollectionName } from '../../chaincode/implicit-collection.js';
import { LIFECYCLE_NAMESPACE } from './lifecycle-namespace.js';

/** The committed state of a channel, as much as definitions need: public values, and this org's private ones. */
export interface LifecycleState {
  newQueryExecutor(): Promise<{
    getState(namespace: string, key: string): Promise<Uint8Array | undefined>;
    getPrivateData(namespace: string, collection: string, key: string): Promise<Uint8Array | undefined>;
    done(): void;
  }>;
}

export interface LifecycleDefinitionSourceOptions {
  ledgers: { getLedger(channelId: string): LifecycleState | undefined };
  /** This peer's organisation: whether it approved a definition, and with which package. */
  localMspId: string;
  /** Where a chaincode `_lifecycle` does not define is looked up: lscc, as Fabric 2.x does. */
  legacy: ChaincodeDefinitionSource;
  /**
   * Read this org's approval of each definition (its private data): the endorser needs the
   * package to run; the validator needs only what every peer has, so it leaves this off.
   */
  withApproval?: boolean;
}

/**
 * Definitions as `_lifecycle` commits them (with this org's approval of each: its package), and,
 * for a chaincode it does not define, as lscc recorded them: one source for the endorser, the
 * validator, the Gateway and cc2cc calls.
 */
export class LifecycleDefinitionSource implements ChaincodeDefinitionSource {
  constructor(private readonly opts: LifecycleDefinitionSourceOptions) {}

  async definition(channelId: string, name: string): Promise<ChaincodeDefinition | undefined> {
    const ledger = this.opts.ledgers.getLedger(channelId);
    if (ledger === undefined || name === '') return undefined;
    const qe = await ledger.newQueryExecutor();
    let found: ChaincodeDefinition | undefined;
    try {
      const definition = await readDefinition(name, { getState: (key) => qe.getState(LIFECYCLE_NAMESPACE, key) });
      if (definition !== undefined) {
        const approval = this.opts.withApproval === true ? await this.approval(qe, name, definition) : { approvedByThisOrg: false, packageId: undefined };
        found = toDefinition(name, definition, approval.approvedByThisOrg, approval.packageId);
      }
    } finally {
      qe.done();
    }
    return found ?? this.opts.legacy.definition(channelId, name);
  }

  /**
   * Did this org approve exactly the definition, and with which package? Its approval is private
   * data this peer may lack (a peer that joined late, or replayed blocks without it): then it
   * counts as not approved, as the endorser then says.
   */
  private async approval(qe: PrivateReader, name: string, definition: LifecycleDefinition): Promise<{ approvedByThisOrg: boolean; packageId: string | undefined }> {
    const collection = implicitCollectionName(this.opts.localMspId);
    const own = { getState: (key: string) => qe.getPrivateData(LIFECYCLE_NAMESPACE, collection, key) };
    const key = privateName(name, definition.sequence);
    try {
      const approved = await readApprovedParameters(key, own);
      if (approved === undefined || parametersDiffer(approved, definition) !== undefined) return { approvedByThisOrg: false, packageId: undefined };
      const packageId = await readApprovedPackage(key, own);
      return { approvedByThisOrg: true, packageId: packageId === '' ? undefined : packageId };
    } catch {
      return { approvedByThisOrg: false, packageId: undefined };
    }
  }
}

type PrivateReader = { getPrivateData(namespace: string, collection: string, key: string): Promise<Uint8Array | undefined> };

function toDefinition(name: string, d: LifecycleDefinition, approvedByThisOrg: boolean, approvedPackageId: string | undefined): ChaincodeDefinition {
  const policy = ApplicationPolicy.deserializeBinary(d.validationParameter);
  const reference = policy.getChannelConfigPolicyReference();
  return {
    name,
    version: d.version,
    endorsementPolicy: policy.hasSignaturePolicy() ? (policy.getSignaturePolicy() as SignaturePolicyEnvelope).serializeBinary() : new Uint8Array(),
    channelConfigPolicy: reference === '' ? undefined : reference,
    validationPlugin: d.validationPlugin,
    endorsementPlugin: d.endorsementPlugin,
    sequence: d.sequence,
    initRequired: d.initRequired,
    approvedPackageId,
    approvedByThisOrg,
    collections: d.collections,
  };
}
