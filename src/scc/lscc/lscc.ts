import { errorMessage } from '../../common/errors/weft-error.js';
import type { Logger } from '../../common/logging/logging.js';
import { ChaincodeData, ChaincodeDeploymentSpec } from '../../common/protos/peer.js';
import { SignaturePolicyEnvelope } from '../../common/protos/collection.js';
import { ChaincodeInfo, ChaincodeQueryResponse } from '../../common/protos/query.js';
import { signedByAnyMember } from '../../policies/signed-by-any-member.js';
import type { ChaincodeResponse } from '../../shim/chaincode.js';
import { error, success } from '../../shim/chaincode.js';
import type { ChaincodeStub } from '../../shim/chaincode-stub.js';
import { BuiltinScc } from '../builtin-scc.js';
import type { SccAcl } from '../scc-acl.js';
import { checkCollectionConfig, checkCollectionUpgrade, collectionKey, decodeCollections } from './collection-config.js';

export const LSCC_PATH = 'weft/src/scc/lscc';

/** The chaincode packages installed on the peer (the package store). */
export interface InstalledPackages {
  install(chaincode: { name: string; version: string; type: string }, codePackage: Uint8Array, deploymentSpec: Uint8Array): Promise<void>;
  get(name: string, version: string): { name: string; version: string; type: string } | undefined;
  list(): Array<{ name: string; version: string; type: string }>;
}

/** The chaincode definitions of a channel: lscc's own namespace, read in full. */
export interface DefinitionReader {
  definitions(channelId: string): Promise<Array<{ key: string; value: Uint8Array }>>;
}

export interface LsccOptions {
  packages: InstalledPackages;
  definitions: DefinitionReader;
  acl: SccAcl;
  logger: Logger;
  /** The MSP IDs of the channel's application organisations: a deploy without a policy is endorsed by any member of one. */
  applicationMspIds: (channelId: string) => readonly string[];
  /** The channel's Application capabilities: from V2_0 on, chaincodes are defined with `_lifecycle` and lscc only answers queries. */
  applicationCapabilities: (channelId: string) => readonly string[];
}

/** Application capabilities that bring the 2.x lifecycle, with which lscc becomes read-only. */
const LIFECYCLE_V20 = new Set(['V2_0', 'V2_5', 'V3_0']);

const TYPE_NAMES = ['UNDEFINED', 'GOLANG', 'NODE', 'CAR', 'JAVA'];
// What this peer can run; the others are refused at install, not at launch.
const SUPPORTED_TYPES = new Set(['NODE']);

/**
 * The legacy lifecycle system chaincode (Fabric 1.x `peer chaincode install / instantiate`):
 * installs packages on the peer, and records each chaincode's definition on a channel under
 * its name in lscc's namespace, where the endorser looks it up.
 */
/**
 * lscc's functions and the ACL resources they are checked as: installs and the installed list
 * against the peer's local admins; deploy and upgrade against the channel's instantiation policy
 * (an admin of one of its organisations); the rest read the channel (its Readers).
 */
const LSCC_RESOURCES: Record<string, { name: string; local: boolean } | undefined> = {
  install: { name: 'lscc/Install', local: true },
  getinstalledchaincodes: { name: 'lscc/GetInstalledChaincodes', local: true },
  deploy: { name: 'lscc/Deploy', local: false },
  upgrade: { name: 'lscc/Upgrade', local: false },
  getccdata: { name: 'lscc/GetChaincodeData', local: false },
  getid: { name: 'lscc/ChaincodeExists', local: false },
  getdepspec: { name: 'lscc/GetDeploymentSpec', local: false },
  getcollectionsconfig: { name: 'lscc/GetCollectionsConfig', local: false },
  getchaincodes: { name: 'lscc/GetInstantiatedChaincodes', local: false },
};

export class Lscc extends BuiltinScc {
  constructor(private readonly opts: LsccOptions) {
    super({ name: 'lscc', path: LSCC_PATH, invokableExternal: true, invokableCC2CC: true });
  }

  init(): ChaincodeResponse {
    return success();
  }

  /**
   * Chaincode may read definitions through lscc, never change what is installed or defined: an
   * install would act on the peer at endorsement, beyond any transaction, on the strength of a
   * client's proposal that never asked for it; a deploy or upgrade is a write to lscc's namespace
   * that Fabric's validator invalidates when the transaction did not invoke lscc itself. Both are
   * refused at endorsement; a deploy or upgrade with the validator's words.
   */
  refuseCC2CC(args: readonly Uint8Array[], caller: string): string | undefined {
    const fn = Buffer.from(args[0] ?? []).toString().toLowerCase();
    if (fn === 'install') return 'system chaincode lscc function install cannot be invoked with a cc2cc invocation';
    if (fn === 'deploy' || fn === 'upgrade') return `chaincode ${caller} attempted to write to the namespace of LSCC`;
    return undefined;
  }

  async invoke(stub: ChaincodeStub): Promise<ChaincodeResponse> {
    const args = stub.getArgs();
    if (args.length < 1) return error(`Incorrect number of arguments, ${args.length}`);
    const fn = Buffer.from(args[0] ?? []).toString();
    const arg = (i: number): Uint8Array | undefined => args[i];
    const text = (i: number): string => Buffer.from(args[i] ?? []).toString();
    const denied = this.checkACL(fn, stub);
    if (denied !== undefined) return denied;
    switch (fn.toLowerCase()) {
      case 'install':
        if (args.length < 2) return error(`Incorrect number of arguments, ${args.length}`);
        return this.install(arg(1) ?? new Uint8Array());
      case 'deploy':
      case 'upgrade':
        if (args.length < 3) return error(`Incorrect number of arguments, ${args.length}`);
        // As in Fabric 1.x: deploy|upgrade, channel, deployment spec, policy, escc, vscc, collections.
        return this.deployOrUpgrade(fn.toLowerCase() === 'upgrade', stub, deployArgs(args));
      case 'getccdata':
      case 'getid':
      case 'getdepspec': {
        if (args.length < 3) return error(`Incorrect number of arguments, ${args.length}`);
        const data = await stub.getState(text(2));
        if (data.length === 0) return error(`could not find chaincode with name '${text(2)}'`);
        if (fn.toLowerCase() === 'getccdata') return success(data);
        return success(ChaincodeData.deserializeBinary(data).getName());
      }
      case 'getcollectionsconfig': {
        if (args.length !== 2) return error(`Incorrect number of arguments, ${args.length}`);
        const config = await stub.getState(collectionKey(text(1)));
        if (config.length === 0) return error(`collections config not defined for chaincode ${text(1)}`);
        return success(config);
      }
      case 'getchaincodes':
        return this.getChaincodes(stub.getChannelID());
      case 'getinstalledchaincodes':
        return this.getInstalledChaincodes();
      default:
        return error(`invalid function to lscc: ${fn}`);
    }
  }

  /** The ACL of the function, as Fabric maps lscc's functions to resources; an error response when refused. */
  private checkACL(fn: string, stub: ChaincodeStub): ChaincodeResponse | undefined {
    const resource = LSCC_RESOURCES[fn.toLowerCase()];
    if (resource === undefined) return undefined;
    const channelId = resource.local ? '' : stub.getChannelID();
    try {
      this.opts.acl.checkACL(resource.name, channelId, stub.getSignedProposal());
      return undefined;
    } catch (err) {
      return error(`access denied for [${fn}]: ${errorMessage(err)}`);
    }
  }

  private async install(cdsBytes: Uint8Array): Promise<ChaincodeResponse> {
    const cds = decodeSpec(cdsBytes);
    if (typeof cds === 'string') return error(cds);
    const { name, version, type } = cds;
    if (!SUPPORTED_TYPES.has(type)) return error(`chaincode ${name}:${version} is of type ${type}; this peer runs node chaincode only`);
    try {
      await this.opts.packages.install({ name, version, type }, cds.spec.getCodePackage_asU8(), cdsBytes);
    } catch (err) {
      return error(errorMessage(err));
    }
    this.opts.logger.info('executeInstall', `Installed Chaincode [${name}] Version [${version}] to peer`);
    return success('OK');
  }

  /**
   * Records a chaincode's definition on the channel: a new one (deploy), or a new version of one
   * defined already (upgrade), whose collection configuration may add collections but not drop
   * or shorten the life of existing ones. The endorser then runs the new version's Init.
   */
  private async deployOrUpgrade(
    upgrade: boolean,
    stub: ChaincodeStub,
    { channelId, cdsBytes, policy, collectionConfig }: { channelId: string; cdsBytes: Uint8Array; policy: Uint8Array; collectionConfig: Uint8Array },
  ): Promise<ChaincodeResponse> {
    const action = upgrade ? 'upgrade' : 'deploy';
    if (channelId !== stub.getChannelID()) {
      return error(`chaincode ${action} on channel '${channelId}' must be proposed on that channel, not on '${stub.getChannelID()}'`);
    }
    if (this.opts.applicationCapabilities(channelId).some((c) => LIFECYCLE_V20.has(c))) {
      return error(`Channel '${channelId}' has been migrated to the new lifecycle, LSCC is now read-only`);
    }
    const cds = decodeSpec(cdsBytes);
    if (typeof cds === 'string') return error(cds);
    const { name, version } = cds;
    if (this.opts.packages.get(name, version) === undefined) {
      return error(`cannot get package for chaincode (${name}:${version}): it is not installed on this peer`);
    }
    const endorsementPolicy = this.endorsementPolicy(channelId, policy);
    if (typeof endorsementPolicy === 'string') return error(endorsementPolicy);
    const existing = await stub.getState(name);
    if (!upgrade && existing.length > 0) return error(`chaincode with name '${name}' already exists`);
    if (upgrade) {
      if (existing.length === 0) return error(`could not find chaincode with name '${name}'`);
      if (ChaincodeData.deserializeBinary(existing).getVersion() === version) return error(`version already exists for chaincode with name '${name}'`);
    }
    if (collectionConfig.length > 0) {
      const refused = await this.recordCollections(upgrade, stub, `${name}:${version}`, name, collectionConfig);
      if (refused !== undefined) return error(refused);
    }
    const data = new ChaincodeData();
    data.setName(name);
    data.setVersion(version);
    data.setEscc('escc');
    data.setVscc('vscc');
    data.setPolicy(endorsementPolicy);
    const bytes = data.serializeBinary();
    await stub.putState(name, bytes);
    if (upgrade) this.opts.logger.info('executeUpgrade', `upgrading chaincode ${name} to version ${version} on channel ${channelId}`);
    else this.opts.logger.info('executeDeploy', `instantiating chaincode ${name}:${version} on channel ${channelId}`);
    return success(bytes);
  }

  /**
   * The endorsement policy a deploy or upgrade records: the SignaturePolicyEnvelope given (the
   * CLI's -P), or, as Fabric 1.x lscc defaults it, one signature of a member of any of the
   * channel's application organisations. The reason when the given one is not an envelope.
   */
  private endorsementPolicy(channelId: string, given: Uint8Array): SignaturePolicyEnvelope | string {
    if (given.length === 0) return signedByAnyMember(this.opts.applicationMspIds(channelId));
    let envelope: SignaturePolicyEnvelope;
    try {
      envelope = SignaturePolicyEnvelope.deserializeBinary(given);
    } catch (err) {
      return `invalid endorsement policy: ${errorMessage(err)}`;
    }
    if (envelope.getRule() === undefined) return 'invalid endorsement policy: the SignaturePolicyEnvelope has no rule';
    return envelope;
  }

  /** Checks and records a deploy's or upgrade's collection configuration; the reason it is refused, if it is. */
  private async recordCollections(
    upgrade: boolean,
    stub: ChaincodeStub,
    ccid: string,
    name: string,
    collectionConfig: Uint8Array,
  ): Promise<string | undefined> {
    const checked = checkCollectionConfig(collectionConfig, ccid);
    if (typeof checked === 'string') return checked;
    const previous = upgrade ? await stub.getState(collectionKey(name)) : new Uint8Array();
    if (previous.length > 0) {
      const refused = checkCollectionUpgrade(decodeCollections(previous), checked);
      if (refused !== undefined) return refused;
    }
    await stub.putState(collectionKey(name), collectionConfig);
    return undefined;
  }

  private async getChaincodes(channelId: string): Promise<ChaincodeResponse> {
    if (channelId === '') return error('getchaincodes is a query of one channel: propose it on that channel');
    const resp = new ChaincodeQueryResponse();
    for (const { key, value } of await this.opts.definitions.definitions(channelId)) {
      // Collection configurations share the namespace, under `<name>~collection`.
      if (key.includes('~')) continue;
      const data = ChaincodeData.deserializeBinary(value);
      const info = new ChaincodeInfo();
      info.setName(data.getName());
      info.setVersion(data.getVersion());
      info.setEscc(data.getEscc());
      info.setVscc(data.getVscc());
      resp.addChaincodes(info);
    }
    return success(resp.serializeBinary());
  }

  private getInstalledChaincodes(): ChaincodeResponse {
    const resp = new ChaincodeQueryResponse();
    for (const cc of this.opts.packages.list()) {
      const info = new ChaincodeInfo();
      info.setName(cc.name);
      info.setVersion(cc.version);
      resp.addChaincodes(info);
    }
    return success(resp.serializeBinary());
  }
}

/** deploy|upgrade's arguments, as Fabric 1.x lays them out: fn, channel, deployment spec, policy, escc, vscc, collections. */
function deployArgs(args: readonly Uint8Array[]): { channelId: string; cdsBytes: Uint8Array; policy: Uint8Array; collectionConfig: Uint8Array } {
  const empty = new Uint8Array();
  return {
    channelId: Buffer.from(args[1] ?? empty).toString(),
    cdsBytes: args[2] ?? empty,
    policy: args[3] ?? empty,
    collectionConfig: args[6] ?? empty,
  };
}

/** The deployment spec's chaincode, or the reason it cannot be read. */
export function decodeSpec(bytes: Uint8Array):
  | { spec: ChaincodeDeploymentSpec; name: string; version: string; type: string; input: Uint8Array[] }
  | string {
  let spec: ChaincodeDeploymentSpec;
  try {
    spec = ChaincodeDeploymentSpec.deserializeBinary(bytes);
  } catch {
    return 'the chaincode deployment spec is not a ChaincodeDeploymentSpec protobuf';
  }
  const ccSpec = spec.getChaincodeSpec();
  const id = ccSpec?.getChaincodeId();
  const name = id?.getName() ?? '';
  const version = id?.getVersion() ?? '';
  if (name === '' || version === '') return 'the chaincode deployment spec names no chaincode name and version';
  return { spec, name, version, type: TYPE_NAMES[ccSpec?.getType() ?? 0] ?? 'UNDEFINED', input: ccSpec?.getInput()?.getArgsList_asU8() ?? [] };
}
