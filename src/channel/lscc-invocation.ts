import { errorMessage } from '../common/errors/weft-error.js';
import { TxValidationCode } from '../common/protos/orderer.js';
import { ChaincodeData } from '../common/protos/peer.js';
import { ChaincodeInvocationSpec, ChaincodeProposalPayload } from '../common/protos/proposal.js';
import type { ChaincodeDefinition } from '../chaincode/definitions.js';
import type { Policy } from '../policies/policy.js';
import { decodeSpec } from '../scc/lscc/lscc.js';
import type { ChaincodeActionSummary } from './chaincode-action.js';
import type { CheckedEndorserTx, Refusal } from './envelope-checks.js';

/** An lscc deploy or upgrade, as its proposal asked it. */
export interface LsccInvocation {
  readonly fn: 'deploy' | 'upgrade';
  readonly name: string;
  readonly version: string;
  /** The collection configuration argument, empty when none was given. */
  readonly collectionConfig: Uint8Array;
}

const SYSTEM_NAMES = new Set(['cscc', 'escc', 'lscc', 'qscc', 'vscc', '_lifecycle']);

/**
 * Reads the lscc function a transaction invoked. Only deploy and upgrade make transactions; any
 * other function, or arguments that do not name a chaincode, fail as Fabric's VSCC fails them
 * (ENDORSEMENT_POLICY_FAILURE).
 */
export function lsccInvocationOf(tx: CheckedEndorserTx): LsccInvocation | Refusal {
  const refuse = (reason: string): Refusal => ({ code: TxValidationCode.ENDORSEMENT_POLICY_FAILURE, reason, txId: tx.txId });
  let args: Uint8Array[];
  try {
    const input = ChaincodeProposalPayload.deserializeBinary(tx.proposalPayload).getInput_asU8();
    args = ChaincodeInvocationSpec.deserializeBinary(input).getChaincodeSpec()?.getInput()?.getArgsList_asU8() ?? [];
  } catch (err) {
    return refuse(`VSCC error: Unmarshal ChaincodeInvocationSpec failed, err ${errorMessage(err)}`);
  }
  if (args.length === 0) return refuse('malformed chaincode invocation spec');
  const fn = Buffer.from(args[0] ?? []).toString();
  if (fn !== 'deploy' && fn !== 'upgrade') return refuse(`VSCC error: committing an invocation of function ${fn} of lscc is invalid`);
  if (args.length < 3) return refuse(`Wrong number of arguments for invocation lscc(${fn}): expected at least 2, received ${args.length - 1}`);
  const spec = decodeSpec(args[2] ?? new Uint8Array());
  if (typeof spec === 'string') return refuse(`VSCC error: invocation of lscc(${fn}) does not have appropriate arguments: ${spec}`);
  if (SYSTEM_NAMES.has(spec.name)) return refuse(`chaincode name '${spec.name}' is reserved for system chaincodes`);
  return { fn, name: spec.name, version: spec.version, collectionConfig: args[6] ?? new Uint8Array() };
}

/**
 * What a deploy or upgrade may write, as Fabric 1.x's VSCC checks it: lscc's namespace holds the
 * definition (and the collections) of the chaincode named in the deployment spec, nothing else;
 * other writes go to that chaincode's own namespace (its Init); a deploy defines a new chaincode,
 * an upgrade moves a defined one to another version; and the submitter satisfies the channel's
 * instantiation policy. Why not, or undefined when it may.
 */
export function lsccInvocationProblem(
  tx: CheckedEndorserTx,
  invocation: LsccInvocation,
  summary: ChaincodeActionSummary,
  existing: ChaincodeDefinition | undefined,
  instantiationPolicy: Policy,
): string | undefined {
  const { fn, name, version } = invocation;
  const writeProblem = lsccWritesProblem(invocation, summary);
  if (writeProblem !== undefined) return writeProblem;
  if (fn === 'deploy' && existing !== undefined) return `Chaincode ${name} is already instantiated`;
  if (fn === 'upgrade' && existing === undefined) return `Upgrading non-existent chaincode ${name}`;
  if (fn === 'upgrade' && existing?.version === version) {
    return `Existing version of the cc on the ledger (${version}) should be different from the upgraded one`;
  }
  try {
    instantiationPolicy.evaluateSignedData([{ data: tx.payloadBytes, identity: tx.creator, signature: tx.signature }]);
  } catch (err) {
    return `chaincode instantiation policy violated, error ${errorMessage(err)}`;
  }
  return undefined;
}

/** lscc's namespace holds the definition (and collections) of the chaincode deployed; other writes are that chaincode's own. */
function lsccWritesProblem(invocation: LsccInvocation, summary: ChaincodeActionSummary): string | undefined {
  const { name, version } = invocation;
  const lscc = summary.namespaces.find((ns) => ns.namespace === 'lscc');
  if (lscc === undefined) return 'No read write set for lscc was found';
  const [first, second, ...more] = lscc.writes;
  if (first === undefined) return 'LSCC must issue at least one single putState upon deploy/upgrade';
  if (more.length > 0) return 'LSCC can only issue one or two putState upon deploy';
  if (first.key !== name) return `expected key ${name}, found ${first.key}`;
  const recorded = decodeData(first.value);
  if (typeof recorded === 'string') return recorded;
  if (recorded.getName() !== name) return `expected cc name ${name}, found ${recorded.getName()}`;
  if (recorded.getVersion() !== version) return `expected cc version ${version}, found ${recorded.getVersion()}`;
  if (second !== undefined && second.key !== `${name}~collection`) {
    return `invalid key for the collection of chaincode ${name}:${version}; expected '${name}~collection', received '${second.key}'`;
  }
  if (!Buffer.from(second?.value ?? new Uint8Array()).equals(invocation.collectionConfig)) {
    return `collection configuration arguments supplied for chaincode ${name}:${version} do not match the configuration in the lscc writeset`;
  }
  const stray = summary.namespaces.find((ns) => ns.namespace !== 'lscc' && ns.namespace !== name && ns.writes.length > 0);
  return stray === undefined ? undefined : `LSCC invocation is attempting to write to namespace ${stray.namespace}`;
}

function decodeData(value: Uint8Array | undefined): ChaincodeData | string {
  try {
    return ChaincodeData.deserializeBinary(value ?? new Uint8Array());
  } catch (err) {
    return `unmarshalling of ChaincodeData failed, error ${errorMessage(err)}`;
  }
}
