import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import { CollectionConfigPackage } from '../../common/protos/collection.js';
import {
  ApplicationPolicy,
  ApproveChaincodeDefinitionForMyOrgArgs,
  ApproveChaincodeDefinitionForMyOrgResult,
  ChaincodeSource,
  CheckCommitReadinessArgs,
  CheckCommitReadinessResult,
  CommitChaincodeDefinitionArgs,
  CommitChaincodeDefinitionResult,
  GetInstalledChaincodePackageArgs,
  GetInstalledChaincodePackageResult,
  InstallChaincodeArgs,
  InstallChaincodeResult,
  QueryApprovedChaincodeDefinitionArgs,
  QueryApprovedChaincodeDefinitionResult,
  QueryChaincodeDefinitionArgs,
  QueryChaincodeDefinitionResult,
  QueryChaincodeDefinitionsResult,
  QueryInstalledChaincodeArgs,
  QueryInstalledChaincodeResult,
  QueryInstalledChaincodesResult,
} from '../../common/protos/lifecycle.js';
import type { ChaincodeResponse } from '../../shim/chaincode.js';
import { error, success } from '../../shim/chaincode.js';
import type { ChaincodeStub } from '../../shim/chaincode-stub.js';
import { BuiltinScc } from '../builtin-scc.js';
import type { SccAcl } from '../scc-acl.js';
import { checkCollectionConfig, checkCollectionUpgrade, decodeCollections } from '../lscc/collection-config.js';
import {
  CHAINCODE_SOURCES,
  currentSequence,
  definitionStructure,
  localPackageStructure,
  NAMESPACES,
  parametersDiffer,
  parametersStructure,
  privateName,
  readApprovedPackage,
  readApprovedParameters,
  readDefinition,
  type ChaincodeParameters,
  type LifecycleDefinition,
} from './definition-state.js';
import { implicitCollectionName } from '../../chaincode/implicit-collection.js';
import { isSerialized, readMetadata, serialize, type HashedState, type WritableState } from './state-serializer.js';

export const LIFECYCLE_PATH = 'weft/src/scc/lifecycle';
export { LIFECYCLE_NAMESPACE } from './lifecycle-namespace.js';
import { LIFECYCLE_NAMESPACE } from './lifecycle-namespace.js';

const DEFAULT_ENDORSEMENT_POLICY = '/Channel/Application/Endorsement';
const NAME = /^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/;
const VERSION = /^[A-Za-z0-9_.+-]+$/;
const NO_REFERENCES = new Map<string, Array<{ name: string; version: string }>>();
const SYSTEM_NAMES = new Set(['cscc', 'escc', 'lscc', 'qscc', 'vscc']);
/** Application capabilities that bring the 2.x lifecycle. */
const LIFECYCLE_V20 = new Set(['V2_0', 'V2_5', 'V3_0']);

/** A package installed with `_lifecycle`. */
export interface InstalledPackage {
  packageId: string;
  label: string;
}

/** The packages installed on this peer (the `_lifecycle` install store). */
export interface LifecyclePackages {
  /** Saves and builds an install package; throws with the reason it cannot. */
  install(installPackage: Uint8Array): Promise<InstalledPackage>;
  get(packageId: string): InstalledPackage | undefined;
  list(): InstalledPackage[];
  /** The install package as it was installed; undefined when not installed. */
  load(packageId: string): Promise<Uint8Array | undefined>;
}

/** What `_lifecycle` needs of a channel's configuration. */
export interface LifecycleChannel {
  applicationOrgs: ReadonlyArray<{ mspId: string }>;
  applicationCapabilities: readonly string[];
  hasPolicy(path: string): boolean;
}

export interface LifecycleSccOptions {
  /** This peer's organisation: approvals go to its implicit collection. */
  localMspId: string;
  packages: LifecyclePackages;
  channel(channelId: string): LifecycleChannel | undefined;
  /** The names defined in `_lifecycle`'s public namespace of the channel, with their data types. */
  definedNamespaces(channelId: string): Promise<Array<{ name: string; datatype: string }>>;
  /** Where each installed package is in use: chaincodes (name, version) by channel. */
  references?(packageId: string): Promise<Map<string, Array<{ name: string; version: string }>>>;
  acl: SccAcl;
  logger: Logger;
}

/** A refusal Fabric answers with 404 (nothing defined or installed under that name) rather than 500. */
class NotFound extends Error {}

/** A refusal with Fabric's wording. */
class Refused extends Error {}

type Handler = (stub: ChaincodeStub, input: Uint8Array, channel: LifecycleChannel | undefined) => Promise<Uint8Array>;

/**
 * The Fabric 2.x lifecycle system chaincode: installs packages on the peer; records each org's
 * approval of a definition in its implicit collection; commits a definition once enough orgs
 * approved it; answers the queries. Arguments and results are Fabric's protobufs, and the state
 * its layout, so Fabric's CLI and SDKs work against it and Fabric peers read what it wrote.
 */
export class LifecycleScc extends BuiltinScc {
  private readonly functions: ReadonlyMap<string, Handler>;

  constructor(private readonly opts: LifecycleSccOptions) {
    super({ name: LIFECYCLE_NAMESPACE, path: LIFECYCLE_PATH, invokableExternal: true, invokableCC2CC: true });
    this.functions = new Map<string, Handler>([
      ['InstallChaincode', (_stub, input) => this.installChaincode(input)],
      ['QueryInstalledChaincode', (_stub, input) => this.queryInstalledChaincode(input)],
      ['GetInstalledChaincodePackage', (_stub, input) => this.getInstalledChaincodePackage(input)],
      ['QueryInstalledChaincodes', () => this.queryInstalledChaincodes()],
      ['ApproveChaincodeDefinitionForMyOrg', (stub, input) => this.approve(stub, input)],
      ['QueryApprovedChaincodeDefinition', (stub, input) => this.queryApproved(stub, input)],
      ['CheckCommitReadiness', (stub, input, channel) => this.checkCommitReadiness(stub, input, channel)],
      ['CommitChaincodeDefinition', (stub, input, channel) => this.commit(stub, input, channel)],
      ['QueryChaincodeDefinition', (stub, input, channel) => this.queryDefinition(stub, input, channel)],
      ['QueryChaincodeDefinitions', (stub) => this.queryDefinitions(stub)],
    ]);
  }

  init(): ChaincodeResponse {
    return success();
  }

  async invoke(stub: ChaincodeStub): Promise<ChaincodeResponse> {
    const args = stub.getArgs();
    if (args.length === 0) return error('lifecycle scc must be invoked with arguments');
    if (args.length !== 2) return error(`lifecycle scc operations require exactly two arguments but received ${args.length}`);
    const channelId = stub.getChannelID();
    let channel: LifecycleChannel | undefined;
    if (channelId !== '') {
      channel = this.opts.channel(channelId);
      if (channel === undefined) return error(`could not get channelconfig for channel '${channelId}'`);
      if (!channel.applicationCapabilities.some((c) => LIFECYCLE_V20.has(c))) {
        return error(`cannot use new lifecycle for channel '${channelId}' as it does not have the required capabilities enabled`);
      }
    }
    const fn = Buffer.from(args[0] ?? []).toString();
    try {
      this.opts.acl.checkACL(`${LIFECYCLE_NAMESPACE}/${fn}`, channelId, stub.getSignedProposal());
    } catch (err) {
      return error(`Failed to authorize invocation due to failed ACL check: ${errorMessage(err)}`);
    }
    const handler = this.functions.get(fn);
    if (handler === undefined) return error(`failed to invoke backing implementation of '${fn}': no such function of _lifecycle`);
    try {
      return success(await handler(stub, args[1] ?? new Uint8Array(), channel));
    } catch (err) {
      if (err instanceof NotFound) return { status: 404, message: err.message, payload: new Uint8Array() };
      return error(`failed to invoke backing implementation of '${fn}': ${errorMessage(err)}`);
    }
  }

  private async installChaincode(input: Uint8Array): Promise<Uint8Array> {
    const args = InstallChaincodeArgs.deserializeBinary(input);
    const installed = await this.opts.packages.install(args.getChaincodeInstallPackage_asU8());
    this.opts.logger.info('InstallChaincode', `Successfully installed chaincode with package ID '${installed.packageId}'`);
    const result = new InstallChaincodeResult();
    result.setPackageId(installed.packageId);
    result.setLabel(installed.label);
    return result.serializeBinary();
  }

  private installed(packageId: string): InstalledPackage {
    const found = this.opts.packages.get(packageId);
    if (found === undefined) throw new NotFound(`chaincode install package '${packageId}' not found`);
    return found;
  }

  private async queryInstalledChaincode(input: Uint8Array): Promise<Uint8Array> {
    const packageId = QueryInstalledChaincodeArgs.deserializeBinary(input).getPackageId();
    const found = this.installed(packageId);
    const result = new QueryInstalledChaincodeResult();
    result.setPackageId(found.packageId);
    result.setLabel(found.label);
    for (const [channelId, chaincodes] of (await this.opts.references?.(packageId)) ?? NO_REFERENCES) {
      const refs = new QueryInstalledChaincodeResult.References();
      refs.setChaincodesList(chaincodes.map(({ name, version }) => chaincodeRef(new QueryInstalledChaincodeResult.Chaincode(), name, version)));
      result.getReferencesMap().set(channelId, refs);
    }
    return result.serializeBinary();
  }

  private async getInstalledChaincodePackage(input: Uint8Array): Promise<Uint8Array> {
    const packageId = GetInstalledChaincodePackageArgs.deserializeBinary(input).getPackageId();
    const bytes = await this.opts.packages.load(packageId);
    if (bytes === undefined) throw new NotFound(`could not load cc install package: chaincode install package '${packageId}' not found`);
    const result = new GetInstalledChaincodePackageResult();
    result.setChaincodeInstallPackage(bytes);
    return result.serializeBinary();
  }

  private async queryInstalledChaincodes(): Promise<Uint8Array> {
    const result = new QueryInstalledChaincodesResult();
    for (const found of this.opts.packages.list()) {
      const entry = new QueryInstalledChaincodesResult.InstalledChaincode();
      entry.setPackageId(found.packageId);
      entry.setLabel(found.label);
      for (const [channelId, chaincodes] of (await this.opts.references?.(found.packageId)) ?? NO_REFERENCES) {
        const refs = new QueryInstalledChaincodesResult.References();
        refs.setChaincodesList(chaincodes.map(({ name, version }) => chaincodeRef(new QueryInstalledChaincodesResult.Chaincode(), name, version)));
        entry.getReferencesMap().set(channelId, refs);
      }
      result.addInstalledChaincodes(entry);
    }
    return result.serializeBinary();
  }

  /**
   * Records this org's approval of a definition in its implicit collection, as Fabric's rules
   * allow: the committed sequence (same parameters, e.g. to change the package) or the next one.
   */
  private async approve(stub: ChaincodeStub, input: Uint8Array): Promise<Uint8Array> {
    const args = ApproveChaincodeDefinitionForMyOrgArgs.deserializeBinary(input);
    const name = args.getName();
    const invalid = await this.invalidInput(stub, name, args.getVersion(), args.getCollections()?.serializeBinary());
    if (invalid !== undefined) throw new Refused(`error validating chaincode definition: ${invalid}`);
    const channelId = stub.getChannelID();
    const source = args.getSource();
    const packageId = source?.getTypeCase() === ChaincodeSource.TypeCase.LOCAL_PACKAGE ? (source.getLocalPackage()?.getPackageId() ?? '') : '';
    const publicState = publicStateOf(stub);
    const orgState = privateStateOf(stub, implicitCollectionName(this.opts.localMspId));
    const current = await currentSequence(name, publicState);
    const { sequence: requested, ...given } = definitionOf(args);
    checkApprovableSequence(current, requested);
    const params = this.withDefaults(channelId, given);
    if (requested === current) {
      const committed = await readDefinition(name, publicState);
      if (committed === undefined) throw new Refused(`missing metadata for currently committed sequence number (${current})`);
      const differs = parametersDiffer(committed, params);
      if (differs !== undefined) {
        throw new Refused(`attempted to redefine the current committed sequence (${current}) for namespace ${name} with different parameters: ${differs}`);
      }
    }
    const key = privateName(name, requested);
    if (requested === current + 1 && (await sameApproval(key, params, packageId, orgState))) {
      throw new Refused(`attempted to redefine uncommitted sequence (${requested}) for namespace ${name} with unchanged content`);
    }
    await serialize(NAMESPACES, key, parametersStructure(params), orgState);
    await serialize(CHAINCODE_SOURCES, key, localPackageStructure(packageId), orgState);
    this.opts.logger.info(
      'ApproveChaincodeDefinitionForOrg',
      `Successfully endorsed chaincode approval with name '${name}', package ID '${packageId}', on channel '${channelId}' with definition {${describe({ sequence: requested, ...params })}}`,
    );
    return new ApproveChaincodeDefinitionForMyOrgResult().serializeBinary();
  }

  private async queryApproved(stub: ChaincodeStub, input: Uint8Array): Promise<Uint8Array> {
    const args = QueryApprovedChaincodeDefinitionArgs.deserializeBinary(input);
    const name = args.getName();
    const channelId = stub.getChannelID();
    const orgState = privateStateOf(stub, implicitCollectionName(this.opts.localMspId));
    let sequence = args.getSequence();
    if (sequence === 0) {
      // The next sequence when this org approved one, else the committed one.
      const current = await currentSequence(name, publicStateOf(stub));
      sequence = (await readMetadata(NAMESPACES, privateName(name, current + 1), orgState)) === undefined ? current : current + 1;
    }
    const key = privateName(name, sequence);
    const notFound = `could not fetch approved chaincode definition (name: '${name}', sequence: '${args.getSequence()}') on channel '${channelId}'`;
    const params = await readApprovedParameters(key, orgState);
    if (params === undefined) throw new Refused(notFound);
    const packageId = await readApprovedPackage(key, orgState);
    if (packageId === undefined) throw new Refused(notFound);
    const result = new QueryApprovedChaincodeDefinitionResult();
    result.setSequence(sequence);
    result.setVersion(params.version);
    result.setEndorsementPlugin(params.endorsementPlugin);
    result.setValidationPlugin(params.validationPlugin);
    result.setValidationParameter(params.validationParameter);
    result.setInitRequired(params.initRequired);
    result.setCollections(CollectionConfigPackage.deserializeBinary(params.collections));
    const source = new ChaincodeSource();
    if (packageId === '') {
      source.setUnavailable(new ChaincodeSource.Unavailable());
    } else {
      const local = new ChaincodeSource.Local();
      local.setPackageId(packageId);
      source.setLocalPackage(local);
    }
    result.setSource(source);
    return result.serializeBinary();
  }

  private async checkCommitReadiness(stub: ChaincodeStub, input: Uint8Array, channel: LifecycleChannel | undefined): Promise<Uint8Array> {
    const args = CheckCommitReadinessArgs.deserializeBinary(input);
    const definition = definitionOf(args);
    const approvals = await this.readiness(stub, args.getName(), definition, channel);
    this.opts.logger.info(
      'CheckCommitReadiness',
      `Successfully checked commit readiness of chaincode name '${args.getName()}' on channel '${stub.getChannelID()}' with definition {${describe(definition)}}`,
    );
    const result = new CheckCommitReadinessResult();
    for (const [org, approved] of approvals) result.getApprovalsMap().set(org, approved);
    return result.serializeBinary();
  }

  /** The orgs' approvals of the definition, which must be the next sequence; fills in its defaults. */
  private async readiness(stub: ChaincodeStub, name: string, definition: LifecycleDefinition, channel: LifecycleChannel | undefined): Promise<Map<string, boolean>> {
    const current = await currentSequence(name, publicStateOf(stub));
    if (definition.sequence !== current + 1) throw new Refused(`requested sequence is ${definition.sequence}, but new definition must be sequence ${current + 1}`);
    Object.assign(definition, this.withDefaults(stub.getChannelID(), definition));
    return this.approvals(stub, name, definition, channel);
  }

  /** Whether each org of the channel approved exactly these parameters at this sequence, judged by hashes. */
  private async approvals(stub: ChaincodeStub, name: string, definition: LifecycleDefinition, channel: LifecycleChannel | undefined): Promise<Map<string, boolean>> {
    const approvals = new Map<string, boolean>();
    for (const { mspId } of channel?.applicationOrgs ?? []) {
      const hashed = hashedStateOf(stub, implicitCollectionName(mspId));
      approvals.set(mspId, await isSerialized(NAMESPACES, privateName(name, definition.sequence), parametersStructure(definition), hashed));
    }
    return approvals;
  }

  private async commit(stub: ChaincodeStub, input: Uint8Array, channel: LifecycleChannel | undefined): Promise<Uint8Array> {
    const args = CommitChaincodeDefinitionArgs.deserializeBinary(input);
    const name = args.getName();
    const invalid = await this.invalidInput(stub, name, args.getVersion(), args.getCollections()?.serializeBinary());
    if (invalid !== undefined) throw new Refused(`error validating chaincode definition: ${invalid}`);
    if (channel === undefined) throw new Refused(`no application config for channel '${stub.getChannelID()}'`);
    if (!channel.applicationOrgs.some((org) => org.mspId === this.opts.localMspId)) {
      throw new Refused("impossibly, this peer's org is processing requests for a channel it is not a member of");
    }
    const definition = definitionOf(args);
    const approvals = await this.readiness(stub, name, definition, channel);
    await serialize(NAMESPACES, name, definitionStructure(definition), publicStateOf(stub));
    if (approvals.get(this.opts.localMspId) !== true) throw new Refused(`chaincode definition not agreed to by this org (${this.opts.localMspId})`);
    this.opts.logger.info(
      'CommitChaincodeDefinition',
      `Successfully endorsed commit for chaincode name '${name}' on channel '${stub.getChannelID()}' with definition {${describe(definition)}}`,
    );
    return new CommitChaincodeDefinitionResult().serializeBinary();
  }

  private async queryDefinition(stub: ChaincodeStub, input: Uint8Array, channel: LifecycleChannel | undefined): Promise<Uint8Array> {
    const name = QueryChaincodeDefinitionArgs.deserializeBinary(input).getName();
    const definition = await readDefinition(name, publicStateOf(stub));
    if (definition === undefined) throw new NotFound(`namespace ${name} is not defined`);
    const result = new QueryChaincodeDefinitionResult();
    fillDefinition(result, definition);
    for (const [org, approved] of await this.approvals(stub, name, definition, channel)) result.getApprovalsMap().set(org, approved);
    return result.serializeBinary();
  }

  private async queryDefinitions(stub: ChaincodeStub): Promise<Uint8Array> {
    const result = new QueryChaincodeDefinitionsResult();
    for (const { name, datatype } of await this.opts.definedNamespaces(stub.getChannelID())) {
      if (datatype !== 'ChaincodeDefinition') continue;
      const definition = await readDefinition(name, publicStateOf(stub));
      if (definition === undefined) continue;
      const entry = new QueryChaincodeDefinitionsResult.ChaincodeDefinition();
      entry.setName(name);
      fillDefinition(entry, definition);
      result.addChaincodeDefinitions(entry);
    }
    return result.serializeBinary();
  }

  /** Fabric's defaults: escc, vscc, and the channel's Endorsement policy. */
  private withDefaults<P extends ChaincodeParameters>(channelId: string, params: P): P {
    const filled = { ...params };
    if (filled.endorsementPlugin === '') filled.endorsementPlugin = 'escc';
    if (filled.validationPlugin === '') filled.validationPlugin = 'vscc';
    if (filled.validationParameter.length === 0) {
      if (this.opts.channel(channelId)?.hasPolicy(DEFAULT_ENDORSEMENT_POLICY) !== true) {
        throw new Refused(
          `could not set defaults for chaincode definition in channel ${channelId}: policy '${DEFAULT_ENDORSEMENT_POLICY}' must be defined for channel '${channelId}' before chaincode operations can be attempted`,
        );
      }
      const policy = new ApplicationPolicy();
      policy.setChannelConfigPolicyReference(DEFAULT_ENDORSEMENT_POLICY);
      filled.validationParameter = policy.serializeBinary();
    }
    return filled;
  }

  /** Fabric's checks of a name, a version and collections; the reason they are refused, if they are. */
  private async invalidInput(stub: ChaincodeStub, name: string, version: string, collections: Uint8Array | undefined): Promise<string | undefined> {
    if (!NAME.test(name)) return `invalid chaincode name '${name}'. Names can only consist of alphanumerics, '_', and '-' and can only begin with alphanumerics`;
    if (SYSTEM_NAMES.has(name)) return `chaincode name '${name}' is the name of a system chaincode`;
    if (!VERSION.test(version)) return `invalid chaincode version '${version}'. Versions can only consist of alphanumerics, '_', '-', '+', and '.'`;
    if (collections === undefined || collections.length === 0 || CollectionConfigPackage.deserializeBinary(collections).getConfigList().length === 0) return undefined;
    const checked = checkCollectionConfig(collections, name);
    if (typeof checked === 'string') return checked;
    for (const c of checked) {
      if (c.name.startsWith('_')) return `invalid collection name '${c.name}'. Names can only consist of alphanumerics, '_', and '-' and cannot begin with '_'`;
    }
    const committed = await readDefinition(name, publicStateOf(stub));
    if (committed === undefined || committed.collections.length === 0) return undefined;
    return checkCollectionUpgrade(decodeCollections(committed.collections), checked);
  }
}

/** Fabric's rules for the sequence an org approves: the committed one or the next, never 0. */
function checkApprovableSequence(current: number, requested: number): void {
  if (current === requested && requested === 0) throw new Refused('requested sequence is 0, but first definable sequence number is 1');
  if (requested < current) throw new Refused(`currently defined sequence ${current} is larger than requested sequence ${requested}`);
  if (requested > current + 1) throw new Refused(`requested sequence ${requested} is larger than the next available sequence number ${current + 1}`);
}

/** Has the org already approved exactly these parameters and this package under the key? */
async function sameApproval(key: string, params: ChaincodeParameters, packageId: string, orgState: WritableState): Promise<boolean> {
  const approved = await readApprovedParameters(key, orgState);
  if (approved === undefined || parametersDiffer(approved, params) !== undefined) return false;
  return (await readApprovedPackage(key, orgState)) === packageId;
}

function chaincodeRef<T extends { setName(v: string): void; setVersion(v: string): void }>(ref: T, name: string, version: string): T {
  ref.setName(name);
  ref.setVersion(version);
  return ref;
}

/** The definition an approval, a CheckCommitReadiness or a CommitChaincodeDefinition is about. */
function definitionOf(args: ApproveChaincodeDefinitionForMyOrgArgs | CheckCommitReadinessArgs | CommitChaincodeDefinitionArgs): LifecycleDefinition {
  return {
    sequence: args.getSequence(),
    version: args.getVersion(),
    endorsementPlugin: args.getEndorsementPlugin(),
    initRequired: args.getInitRequired(),
    validationPlugin: args.getValidationPlugin(),
    validationParameter: args.getValidationParameter_asU8(),
    collections: args.getCollections()?.serializeBinary() ?? new Uint8Array(),
  };
}

function fillDefinition(
  out: QueryChaincodeDefinitionResult | InstanceType<typeof QueryChaincodeDefinitionsResult.ChaincodeDefinition>,
  d: LifecycleDefinition,
): void {
  out.setSequence(d.sequence);
  out.setVersion(d.version);
  out.setEndorsementPlugin(d.endorsementPlugin);
  out.setValidationPlugin(d.validationPlugin);
  out.setValidationParameter(d.validationParameter);
  out.setInitRequired(d.initRequired);
  out.setCollections(CollectionConfigPackage.deserializeBinary(d.collections));
}

/** A definition in the words of Fabric's log lines. */
function describe(d: LifecycleDefinition): string {
  return (
    `sequence: ${d.sequence}, endorsement info: (version: '${d.version}', plugin: '${d.endorsementPlugin}', init required: ${String(d.initRequired)}), ` +
    `validation info: (plugin: '${d.validationPlugin}', policy: '${Buffer.from(d.validationParameter).toString('hex')}')`
  );
}

/** `_lifecycle`'s own public state, through the stub (reads and writes recorded in the transaction). */
function publicStateOf(stub: ChaincodeStub): WritableState {
  return {
    getState: async (key) => nonEmpty(await stub.getState(key)),
    putState: (key, value) => stub.putState(key, value),
    deleteState: (key) => stub.deleteState(key),
  };
}

/** An implicit collection this peer's org owns: read and written in full. */
function privateStateOf(stub: ChaincodeStub, collection: string): WritableState {
  return {
    getState: async (key) => nonEmpty(await stub.getPrivateData(collection, key)),
    putState: (key, value) => stub.putPrivateData(collection, key, value),
    deleteState: (key) => stub.deletePrivateData(collection, key),
  };
}

/** Another org's implicit collection: only its hashes are on this peer. */
function hashedStateOf(stub: ChaincodeStub, collection: string): HashedState {
  return { getStateHash: async (key) => nonEmpty(await stub.getPrivateDataHash(collection, key)) };
}

function nonEmpty(bytes: Uint8Array): Uint8Array | undefined {
  return bytes.length === 0 ? undefined : bytes;
}

