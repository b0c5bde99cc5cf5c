import { callPeerAs, type ClientContext } from '../client/client-context.js';
import { readCollectionConfigFile } from '../client/collection-config-file.js';
import { applicationPolicyReference, applicationSignaturePolicy, approveArgs, commitArgs, type ChaincodeDefinitionInput } from '../client/lifecycle-args.js';
import { endorse, submitEndorsed } from '../client/transaction-submission.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { CollectionConfigPackage } from '../common/protos/collection.js';
import { QueryChaincodeDefinitionArgs, QueryChaincodeDefinitionResult } from '../common/protos/lifecycle.js';
import { HeaderType } from '../common/protos/proposal.js';
import { DevError } from './dev-error.js';
import type { DevProject } from './dev-project.js';

/** What of the definition the developer chooses, beyond package.json (weft dev's flags). */
export interface DefinitionChoices {
  channelId: string;
  /** A signature policy; the channel's Endorsement policy when undefined. */
  signaturePolicy?: string;
  /** A collections_config.json file, relative to the project or absolute. */
  collectionsConfig?: string;
  initRequired: boolean;
}

/** What deploy() did: the definition's sequence, and whether it committed a new one. */
export interface Deployed {
  sequence: number;
  changed: boolean;
  packageId: string;
}

// The definition's validation parameter when the developer names no policy: the channel's, as `_lifecycle` fills it in.
const CHANNEL_ENDORSEMENT = '/Channel/Application/Endorsement';
const NOT_FOUND = 404;
const COMMIT_WAIT_MS = 30_000;

/**
 * The package ID approved for the chaincode and registered by it: `name:version`, as Fabric's
 * dev-mode tutorial approves `mycc:1.0`; a dev-mode peer runs whatever registers under the approved ID.
 */
export function devPackageId(project: DevProject): string {
  return `${project.name}:${project.version.replace(/[^A-Za-z0-9_.+-]/g, '_')}`;
}

/**
 * Makes the channel's definition of the project's chaincode the one the project and the choices
 * describe: nothing when the committed definition already is (a restart, an edit of the code),
 * else this org's approval and the commit at the next sequence, as `peer lifecycle chaincode
 * approveformyorg` and `commit` send them.
 */
export async function deployDefinition(client: ClientContext, project: DevProject, choices: DefinitionChoices): Promise<Deployed> {
  const wanted = await wantedDefinition(project, choices);
  const committed = await committedDefinition(client, choices.channelId, project.name);
  if (committed !== undefined && sameDefinition(committed, wanted)) return { sequence: committed.getSequence(), changed: false, packageId: wanted.packageId };
  const def = { ...wanted, sequence: (committed?.getSequence() ?? 0) + 1 };
  for (const [fn, args] of [
    ['ApproveChaincodeDefinitionForMyOrg', approveArgs(def).serializeBinary()],
    ['CommitChaincodeDefinition', commitArgs(def).serializeBinary()],
  ] as const) {
    try {
      const endorsed = await endorse(client, [{ address: client.address, tls: client.tls }], { channelId: def.channelId, chaincodeName: '_lifecycle', args: [Buffer.from(fn), args] });
      const response = endorsed.reply.getResponse();
      if (response === undefined || response.getStatus() >= 400) throw new Error(`status ${response?.getStatus() ?? 'none'}: ${response?.getMessage() ?? 'no response'}`);
      // The peer's own address serves its embedded orderer's Broadcast.
      await submitEndorsed(endorsed, { channelId: def.channelId, orderer: { address: client.address, tls: client.tls }, wait: true, timeoutMs: COMMIT_WAIT_MS });
    } catch (err) {
      throw new DevError('DEPLOY_FAILED', `${fn} of ${def.name} at sequence ${def.sequence} on ${def.channelId} failed: ${errorMessage(err)}`, undefined, { cause: err });
    }
  }
  return { sequence: def.sequence, changed: true, packageId: def.packageId };
}

async function wantedDefinition(project: DevProject, choices: DefinitionChoices): Promise<Omit<ChaincodeDefinitionInput, 'sequence'>> {
  let validationParameter: Uint8Array;
  try {
    validationParameter = choices.signaturePolicy === undefined ? applicationPolicyReference(CHANNEL_ENDORSEMENT) : applicationSignaturePolicy(choices.signaturePolicy);
  } catch (err) {
    throw new DevError('BAD_PROJECT', `invalid signature policy: ${choices.signaturePolicy ?? ''} (${errorMessage(err)})`, undefined, { cause: err });
  }
  let collections: CollectionConfigPackage | undefined;
  if (choices.collectionsConfig !== undefined) {
    try {
      collections = CollectionConfigPackage.deserializeBinary(await readCollectionConfigFile(choices.collectionsConfig));
    } catch (err) {
      throw new DevError('BAD_PROJECT', `the collections config ${choices.collectionsConfig}: ${errorMessage(err)}`, undefined, { cause: err });
    }
  }
  return {
    channelId: choices.channelId,
    name: project.name,
    version: project.version,
    packageId: devPackageId(project),
    initRequired: choices.initRequired,
    endorsementPlugin: 'escc',
    validationPlugin: 'vscc',
    validationParameter,
    collections,
  };
}

async function committedDefinition(client: ClientContext, channelId: string, name: string): Promise<QueryChaincodeDefinitionResult | undefined> {
  const args = new QueryChaincodeDefinitionArgs();
  args.setName(name);
  try {
    const response = await callPeerAs(client, {
      channelId,
      chaincodeName: '_lifecycle',
      args: [Buffer.from('QueryChaincodeDefinition'), args.serializeBinary()],
      headerType: HeaderType.ENDORSER_TRANSACTION,
    });
    return QueryChaincodeDefinitionResult.deserializeBinary(response.getPayload_asU8());
  } catch (err) {
    if (errorMessage(err).includes(`status ${NOT_FOUND}`)) return undefined;
    throw new DevError('DEPLOY_FAILED', `reading the definition of ${name} on ${channelId} failed: ${errorMessage(err)}`, undefined, { cause: err });
  }
}

function sameDefinition(committed: QueryChaincodeDefinitionResult, wanted: Omit<ChaincodeDefinitionInput, 'sequence'>): boolean {
  const collections = committed.getCollections()?.serializeBinary() ?? new Uint8Array();
  const wantedCollections = wanted.collections?.serializeBinary() ?? new Uint8Array();
  return (
    committed.getVersion() === wanted.version &&
    committed.getInitRequired() === wanted.initRequired &&
    Buffer.from(committed.getValidationParameter_asU8()).equals(wanted.validationParameter) &&
    Buffer.from(collections).equals(wantedCollections)
  );
}
