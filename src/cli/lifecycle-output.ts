/**
 * What the lifecycle commands print. `--output json` is the form Fabric's CLI prints: Go's
 * encoding/json of the result message, indented with tabs. That means the proto field names in
 * snake case, fields at their zero value left out (omitempty), a oneof as `"Type": {"Name": ...}`,
 * bytes in base64, map keys sorted, and <, >, & escaped. Each result is turned into a plain object
 * of that shape here, field by field in the proto's order, rather than through a generic walker:
 * google-protobuf keeps no field names at run time.
 */
import type { CollectionConfigPackage, SignaturePolicy, SignaturePolicyEnvelope, MSPPrincipal } from '../common/protos/collection.js';
import type {
  ApplicationPolicy,
  ChaincodeSource,
  CheckCommitReadinessResult,
  QueryApprovedChaincodeDefinitionResult,
  QueryChaincodeDefinitionResult,
  QueryChaincodeDefinitionsResult,
  QueryInstalledChaincodesResult,
} from '../common/protos/lifecycle.js';

type CheckCommitReadinessResultMessage = InstanceType<typeof CheckCommitReadinessResult>;
type QueryChaincodeDefinitionsResultMessage = InstanceType<typeof QueryChaincodeDefinitionsResult>;
type CommittedDefinition = ReturnType<QueryChaincodeDefinitionsResultMessage['getChaincodeDefinitionsList']>[number];
type InstalledReferences = ReturnType<ReturnType<QueryInstalledChaincodesResult['getInstalledChaincodesList']>[number]['getReferencesMap']> extends {
  get(key: string): infer V | undefined;
}
  ? V
  : never;
type CollectionConfig = ReturnType<CollectionConfigPackage['getConfigList']>[number];

type GoJson = string | number | boolean | GoJson[] | { [key: string]: GoJson };
type GoObject = Record<string, GoJson>;

/** Go's json.MarshalIndent(v, "", "\t"), and the newline Fabric's CLI prints after it. */
export function goJsonText(value: GoJson): string {
  const text = JSON.stringify(value, null, '\t').replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${text}\n`;
}

/** An object with its zero-valued fields left out, as `omitempty` does; `keep` fields stay (a oneof's wrapper has no omitempty). */
function omitEmpty(fields: ReadonlyArray<readonly [string, GoJson | undefined]>): GoObject {
  const out: GoObject = {};
  for (const [key, value] of fields) {
    if (value === undefined || value === '' || value === 0 || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** A Go map: keys sorted (Go sorts them); an empty map is left out as omitempty does. */
function sortedMap<V>(entries: ReadonlyArray<readonly [string, V]>, value: (v: V) => GoJson): GoObject | undefined {
  if (entries.length === 0) return undefined;
  const out: GoObject = {};
  for (const [key, v] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[key] = value(v);
  return out;
}

function mapEntries<V>(map: { forEach(fn: (value: V, key: string) => void): void }): Array<[string, V]> {
  const entries: Array<[string, V]> = [];
  map.forEach((value, key) => entries.push([key, value]));
  return entries;
}

function principalJson(p: MSPPrincipal): GoObject {
  return omitEmpty([
    ['principal_classification', p.getPrincipalClassification()],
    ['principal', base64(p.getPrincipal_asU8())],
  ]);
}

function signaturePolicyJson(rule: SignaturePolicy): GoObject {
  if (rule.hasSignedBy()) return { Type: { SignedBy: rule.getSignedBy() } };
  const nOutOf = rule.getNOutOf();
  if (nOutOf === undefined) return {};
  return {
    Type: {
      NOutOf: omitEmpty([
        ['n', nOutOf.getN()],
        ['rules', nOutOf.getRulesList().map(signaturePolicyJson)],
      ]),
    },
  };
}

function envelopeJson(envelope: SignaturePolicyEnvelope): GoObject {
  const rule = envelope.getRule();
  return omitEmpty([
    ['version', envelope.getVersion()],
    ['rule', rule === undefined ? undefined : signaturePolicyJson(rule)],
    ['identities', envelope.getIdentitiesList().map(principalJson)],
  ]);
}

function applicationPolicyJson(policy: ApplicationPolicy): GoObject {
  const signature = policy.getSignaturePolicy();
  if (signature !== undefined) return { Type: { SignaturePolicy: envelopeJson(signature) } };
  if (policy.hasChannelConfigPolicyReference()) return { Type: { ChannelConfigPolicyReference: policy.getChannelConfigPolicyReference() } };
  return {};
}

function collectionJson(config: CollectionConfig): GoObject {
  const c = config.getStaticCollectionConfig();
  if (c === undefined) return {};
  const memberOrgs = c.getMemberOrgsPolicy()?.getSignaturePolicy();
  const endorsement = c.getEndorsementPolicy();
  return {
    Payload: {
      StaticCollectionConfig: omitEmpty([
        ['name', c.getName()],
        ['member_orgs_policy', c.getMemberOrgsPolicy() === undefined ? undefined : memberOrgs === undefined ? {} : { Payload: { SignaturePolicy: envelopeJson(memberOrgs) } }],
        ['required_peer_count', c.getRequiredPeerCount()],
        ['maximum_peer_count', c.getMaximumPeerCount()],
        ['block_to_live', c.getBlockToLive()],
        ['member_only_read', c.getMemberOnlyRead()],
        ['member_only_write', c.getMemberOnlyWrite()],
        ['endorsement_policy', endorsement === undefined ? undefined : applicationPolicyJson(endorsement)],
      ]),
    },
  };
}

function collectionsJson(pkg: CollectionConfigPackage | undefined): GoJson | undefined {
  return pkg === undefined ? undefined : omitEmpty([['config', pkg.getConfigList().map(collectionJson)]]);
}

function sourceJson(source: ChaincodeSource | undefined): GoJson | undefined {
  if (source === undefined) return undefined;
  const local = source.getLocalPackage();
  if (local !== undefined) return { Type: { LocalPackage: omitEmpty([['package_id', local.getPackageId()]]) } };
  if (source.hasUnavailable()) return { Type: { Unavailable: {} } };
  return {};
}

/** The definition fields the approved and committed results share, after `sequence`/`version`. */
function definitionFields(
  r: QueryApprovedChaincodeDefinitionResult | QueryChaincodeDefinitionResult | CommittedDefinition,
): Array<[string, GoJson | undefined]> {
  return [
    ['endorsement_plugin', r.getEndorsementPlugin()],
    ['validation_plugin', r.getValidationPlugin()],
    ['validation_parameter', base64(r.getValidationParameter_asU8())],
    ['collections', collectionsJson(r.getCollections())],
    ['init_required', r.getInitRequired()],
  ];
}

/** `calculatepackageid --output json`. */
export function packageIdJson(packageId: string): string {
  return goJsonText({ package_id: packageId });
}

/** `queryinstalled --output json`. */
export function installedChaincodesJson(result: QueryInstalledChaincodesResult): string {
  return goJsonText(
    omitEmpty([
      [
        'installed_chaincodes',
        result.getInstalledChaincodesList().map((c) =>
          omitEmpty([
            ['package_id', c.getPackageId()],
            ['label', c.getLabel()],
            [
              'references',
              sortedMap(mapEntries<InstalledReferences>(c.getReferencesMap()), (refs) =>
                omitEmpty([
                  [
                    'chaincodes',
                    refs.getChaincodesList().map((cc) =>
                      omitEmpty([
                        ['name', cc.getName()],
                        ['version', cc.getVersion()],
                      ]),
                    ),
                  ],
                ]),
              ),
            ],
          ]),
        ),
      ],
    ]),
  );
}

/** `queryapproved --output json`. */
export function approvedDefinitionJson(result: QueryApprovedChaincodeDefinitionResult): string {
  return goJsonText(
    omitEmpty([
      ['sequence', result.getSequence()],
      ['version', result.getVersion()],
      ...definitionFields(result),
      ['source', sourceJson(result.getSource())],
    ]),
  );
}

const approvalsOf = (map: { forEach(fn: (value: boolean, key: string) => void): void }): GoObject | undefined => sortedMap(mapEntries<boolean>(map), (v) => v);

/** `checkcommitreadiness --output json`. */
export function commitReadinessJson(result: CheckCommitReadinessResultMessage): string {
  return goJsonText(omitEmpty([['approvals', approvalsOf(result.getApprovalsMap())]]));
}

/** `querycommitted -n NAME --output json`. */
export function committedDefinitionJson(result: QueryChaincodeDefinitionResult): string {
  return goJsonText(
    omitEmpty([
      ['sequence', result.getSequence()],
      ['version', result.getVersion()],
      ...definitionFields(result),
      ['approvals', approvalsOf(result.getApprovalsMap())],
    ]),
  );
}

/** `querycommitted --output json` (every definition on the channel). */
export function committedDefinitionsJson(result: QueryChaincodeDefinitionsResultMessage): string {
  return goJsonText(
    omitEmpty([
      [
        'chaincode_definitions',
        result.getChaincodeDefinitionsList().map((d) =>
          omitEmpty([['name', d.getName()], ['sequence', d.getSequence()], ['version', d.getVersion()], ...definitionFields(d)]),
        ),
      ],
    ]),
  );
}

/** `queryinstalled`'s text. */
export function installedChaincodesText(result: QueryInstalledChaincodesResult): string {
  const lines = result.getInstalledChaincodesList().map((c) => `Package ID: ${c.getPackageId()}, Label: ${c.getLabel()}\n`);
  return `Installed chaincodes on peer:\n${lines.join('')}`;
}

/** `queryapproved`'s text. */
export function approvedDefinitionText(name: string, channelId: string, result: QueryApprovedChaincodeDefinitionResult): string {
  const packageId = result.getSource()?.getLocalPackage()?.getPackageId() ?? '';
  return (
    `Approved chaincode definition for chaincode '${name}' on channel '${channelId}':\n` +
    `sequence: ${result.getSequence()}, version: ${result.getVersion()}, init-required: ${String(result.getInitRequired())}, package-id: ${packageId}, ` +
    `endorsement plugin: ${result.getEndorsementPlugin()}, validation plugin: ${result.getValidationPlugin()}\n`
  );
}

/** Org: approved, one a line, sorted by org, as `checkcommitreadiness` prints them. */
function approvalLines(map: { forEach(fn: (value: boolean, key: string) => void): void }): string[] {
  return mapEntries<boolean>(map)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([org, approved]) => `${org}: ${String(approved)}`);
}

/** `checkcommitreadiness`'s text. */
export function commitReadinessText(def: { name: string; version: string; sequence: number; channelId: string }, result: CheckCommitReadinessResultMessage): string {
  const head = `Chaincode definition for chaincode '${def.name}', version '${def.version}', sequence '${def.sequence}' on channel '${def.channelId}' approval status by org:\n`;
  return head + approvalLines(result.getApprovalsMap()).map((line) => `${line}\n`).join('');
}

function definitionText(d: QueryChaincodeDefinitionResult | CommittedDefinition): string {
  return `Version: ${d.getVersion()}, Sequence: ${d.getSequence()}, Endorsement Plugin: ${d.getEndorsementPlugin()}, Validation Plugin: ${d.getValidationPlugin()}`;
}

/** `querycommitted -n NAME`'s text. */
export function committedDefinitionText(name: string, channelId: string, result: QueryChaincodeDefinitionResult): string {
  return (
    `Committed chaincode definition for chaincode '${name}' on channel '${channelId}':\n` +
    `${definitionText(result)}, Approvals: [${approvalLines(result.getApprovalsMap()).join(', ')}]\n`
  );
}

/** `querycommitted`'s text (every definition on the channel). */
export function committedDefinitionsText(channelId: string, result: QueryChaincodeDefinitionsResultMessage): string {
  const lines = result.getChaincodeDefinitionsList().map((d) => `Name: ${d.getName()}, ${definitionText(d)}\n`);
  return `Committed chaincode definitions on channel '${channelId}':\n${lines.join('')}`;
}
