import type { ChaincodeDefinitionSource } from '../chaincode/definitions.js';
import type { ChannelBundle } from '../channel/channel-bundle.js';
import type { LifecycleChannel } from '../scc/lifecycle/lifecycle-scc.js';

/** What `_lifecycle` needs of a channel's config: its orgs, capabilities, and which policies exist. */
export function lifecycleChannelOf(bundle: ChannelBundle | undefined): LifecycleChannel | undefined {
  if (bundle === undefined) return undefined;
  return {
    applicationOrgs: bundle.config.applicationOrgs,
    applicationCapabilities: bundle.config.capabilities.application,
    hasPolicy: (path) => bundle.policies.getPolicy(path) !== undefined,
  };
}

/** Where an installed package is in use: each channel's chaincodes whose definition this org approved with it. */
export async function packageReferences(
  packageId: string,
  channelIds: readonly string[],
  names: { lifecycleNamespaces(channelId: string): Promise<Array<{ name: string; datatype: string }>> },
  definitions: ChaincodeDefinitionSource,
): Promise<Map<string, Array<{ name: string; version: string }>>> {
  const references = new Map<string, Array<{ name: string; version: string }>>();
  for (const channelId of channelIds) {
    for (const { name, datatype } of await names.lifecycleNamespaces(channelId)) {
      if (datatype !== 'ChaincodeDefinition') continue;
      const definition = await definitions.definition(channelId, name);
      if (definition?.approvedPackageId !== packageId) continue;
      const list = references.get(channelId) ?? [];
      list.push({ name, version: definition.version });
      references.set(channelId, list);
    }
  }
  return references;
}
