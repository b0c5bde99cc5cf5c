import { readFile } from 'node:fs/promises';
import { errorMessage, WeftError } from '../common/errors/weft-error.js';
import { parseSignaturePolicy } from '../policies/signature-policy-dsl.js';
import { CollectionConfig, CollectionConfigPackage, CollectionPolicyConfig, StaticCollectionConfig } from '../common/protos/collection.js';

export class CollectionConfigError extends WeftError<'BAD_COLLECTION_CONFIG'> {}

/**
 * Reads a collections configuration file as `peer chaincode instantiate --collections-config`
 * does: a JSON array of `{name, policy, requiredPeerCount, maxPeerCount, blockToLive,
 * memberOnlyRead, memberOnlyWrite}`, the policy in the signature policy language
 * (`OR('Org1MSP.member','Org2MSP.member')`). Returns the serialized CollectionConfigPackage.
 */
export async function readCollectionConfigFile(path: string): Promise<Uint8Array> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CollectionConfigError('BAD_COLLECTION_CONFIG', `cannot read the collection configuration file ${path}: ${errorMessage(err)}`);
  }
  return collectionConfigFromJson(text, path);
}

export function collectionConfigFromJson(text: string, source = 'the collection configuration'): Uint8Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CollectionConfigError('BAD_COLLECTION_CONFIG', `could not parse ${source} as JSON: ${errorMessage(err)}`);
  }
  if (!Array.isArray(parsed)) throw new CollectionConfigError('BAD_COLLECTION_CONFIG', `${source} must be a JSON array of collections`);
  const pkg = new CollectionConfigPackage();
  pkg.setConfigList(
    parsed.map((entry: unknown, i) => {
      const where = `collection ${i + 1} of ${source}`;
      if (typeof entry !== 'object' || entry === null) throw new CollectionConfigError('BAD_COLLECTION_CONFIG', `${where} is not an object`);
      const c = entry as Record<string, unknown>;
      const name = c['name'];
      const policy = c['policy'];
      if (typeof name !== 'string' || name === '') throw new CollectionConfigError('BAD_COLLECTION_CONFIG', `${where} has no "name"`);
      if (typeof policy !== 'string') throw new CollectionConfigError('BAD_COLLECTION_CONFIG', `collection ${name} has no "policy"`);
      const staticConfig = new StaticCollectionConfig();
      staticConfig.setName(name);
      const memberPolicy = new CollectionPolicyConfig();
      try {
        memberPolicy.setSignaturePolicy(parseSignaturePolicy(policy));
      } catch (err) {
        throw new CollectionConfigError('BAD_COLLECTION_CONFIG', `collection ${name}: invalid policy ${policy}: ${errorMessage(err)}`);
      }
      staticConfig.setMemberOrgsPolicy(memberPolicy);
      staticConfig.setRequiredPeerCount(integer(c, 'requiredPeerCount', name));
      staticConfig.setMaximumPeerCount(integer(c, 'maxPeerCount', name));
      staticConfig.setBlockToLive(integer(c, 'blockToLive', name));
      staticConfig.setMemberOnlyRead(c['memberOnlyRead'] === true);
      staticConfig.setMemberOnlyWrite(c['memberOnlyWrite'] === true);
      const config = new CollectionConfig();
      config.setStaticCollectionConfig(staticConfig);
      return config;
    }),
  );
  return pkg.serializeBinary();
}

function integer(c: Record<string, unknown>, field: string, name: string): number {
  const value = c[field] ?? 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new CollectionConfigError('BAD_COLLECTION_CONFIG', `collection ${name}: "${field}" must be a whole number, not ${JSON.stringify(value)}`);
  }
  return value;
}
