import { errorMessage } from '../common/errors/weft-error.js';
import { CollectionConfigPackage } from '../common/protos/collection.js';
import { readCollectionConfigFile } from '../client/collection-config-file.js';
import { applicationPolicyReference, applicationSignaturePolicy, type ChaincodeDefinitionInput } from '../client/lifecycle-args.js';
import { CliError } from './cli-error.js';

/** The flags that describe a chaincode definition, as commander hands them over (the lifecycle commands' -C -n -v --sequence ...). */
export interface DefinitionFlags {
  channelID?: string | undefined;
  name?: string | undefined;
  version?: string | undefined;
  sequence?: string | undefined;
  packageId?: string | undefined;
  initRequired?: boolean | undefined;
  signaturePolicy?: string | undefined;
  channelConfigPolicy?: string | undefined;
  endorsementPlugin?: string | undefined;
  validationPlugin?: string | undefined;
  collectionsConfig?: string | undefined;
}

/**
 * --sequence as Fabric's integer flag reads it; absent is 0. Fabric's error when it is no integer.
 */
export function parseSequence(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new CliError('BAD_INPUT', `invalid argument "${value}" for "--sequence" flag: strconv.ParseInt: parsing "${value}": invalid syntax`);
  }
  return Number(value);
}

/**
 * The definition's validation parameter: an ApplicationPolicy holding the signature policy of
 * --signature-policy, or the reference to a channel config policy of --channel-config-policy;
 * empty bytes for neither. Both at once is refused, as is a policy that does not parse.
 */
export function validationParameterOf(signaturePolicy: string | undefined, channelConfigPolicy: string | undefined): Uint8Array {
  const signature = signaturePolicy ?? '';
  const reference = channelConfigPolicy ?? '';
  if (signature === '' && reference === '') return new Uint8Array();
  if (signature !== '' && reference !== '') throw new CliError('BAD_INPUT', 'cannot specify both "--signature-policy" and "--channel-config-policy"');
  if (signature === '') return applicationPolicyReference(reference);
  try {
    return applicationSignaturePolicy(signature);
  } catch {
    throw new CliError('BAD_INPUT', `invalid signature policy: ${signature}`);
  }
}

/**
 * Reads and checks the definition flags, in Fabric's order: the policy, the collections file,
 * then the required -C, -n, -v and --sequence, each refusal naming its flag.
 */
export async function definitionFromFlags(flags: DefinitionFlags): Promise<ChaincodeDefinitionInput> {
  const validationParameter = validationParameterOf(flags.signaturePolicy, flags.channelConfigPolicy);
  const collections = await collectionsOf(flags.collectionsConfig);
  const sequence = parseSequence(flags.sequence);
  const channelId = flags.channelID ?? '';
  const name = flags.name ?? '';
  const version = flags.version ?? '';
  requireParameter(channelId, 'channelID', '-C');
  requireParameter(name, 'name', '-n');
  requireParameter(version, 'version', '-v');
  if (sequence === 0) requireParameter('', 'sequence', '--sequence');
  return {
    channelId,
    name,
    version,
    sequence,
    packageId: flags.packageId ?? '',
    initRequired: flags.initRequired === true,
    endorsementPlugin: flags.endorsementPlugin ?? '',
    validationPlugin: flags.validationPlugin ?? '',
    validationParameter,
    collections,
  };
}

/** Fabric's refusal of a required parameter left empty. */
export function requireParameter(value: string, parameter: string, flag: string): void {
  if (value === '') throw new CliError('BAD_INPUT', `The required parameter '${parameter}' is empty. Rerun the command with ${flag} flag`);
}

async function collectionsOf(path: string | undefined): Promise<CollectionConfigPackage | undefined> {
  if (path === undefined || path === '') return undefined;
  try {
    return CollectionConfigPackage.deserializeBinary(await readCollectionConfigFile(path));
  } catch (err) {
    throw new CliError('BAD_INPUT', `invalid collection configuration in file ${path}: ${errorMessage(err)}`);
  }
}
