import type { EndorserMetrics } from './endorser-metrics.js';
import { secondsSince } from '../common/metrics/metrics-provider.js';
import type { ExecutionResult } from '../chaincode/chaincode-support.js';
import type { CCContext, ChaincodeContainerInfo, StateHistoryExecutor, StateSimulator, TransactionParams } from '../chaincode/chaincode-context.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { Response, type ChaincodeDeploymentSpec, type ChaincodeEvent, type ChaincodeInput } from '../common/protos/peer.js';
import { decodeSpec } from '../scc/lscc/lscc.js';
import { Endorsement, ProposalResponse, type SignedProposal } from '../common/protos/proposal.js';
import { EndorserError } from './endorser-error.js';
import { AccessDeniedError, validateProposal, type CreatorDeserializer, type CreatorIdentity } from './proposal-validator.js';
import { unpackProposal, type UnpackedProposal } from './unpacked-proposal.js';
import { responsePayloadBytes } from './response-payload.js';

/** Runs chaincode (ChaincodeSupport). */
export interface ChaincodeExecutor {
  execute(
    txParams: TransactionParams,
    cccid: CCContext,
    input: ChaincodeInput,
    ccci?: ChaincodeContainerInfo,
    options?: { init?: boolean },
  ): Promise<ExecutionResult>;
  executeLegacyInit(txParams: TransactionParams, cccid: CCContext, spec: ChaincodeDeploymentSpec, containerType: string): Promise<Response>;
}

/** How a user chaincode runs for a proposal (Fabric's ChaincodeEndorsementInfo). */
export interface EndorsementInfo {
  /** The version the endorsement names. */
  version: string;
  /** `_lifecycle`'s InitRequired. */
  initRequired: boolean;
  /** Which chaincode (package) to launch, and in which container type. */
  ccci: ChaincodeContainerInfo;
}

/** Reads how a chaincode runs, through the transaction's simulator where Fabric records the read. */
export interface EndorsementInfoSource {
  /** Undefined when the chaincode is not defined; throws with Fabric's words when it cannot run here. */
  endorsementInfo(channelId: string, name: string, state: { getState(namespace: string, key: string): Promise<Uint8Array | undefined> }): Promise<EndorsementInfo | undefined>;
}

/** Which chaincodes are system chaincodes, and may clients call them (the SCC provider). */
export interface SystemChaincodes {
  isSysCC(name: string): boolean;
  isSysCCAndNotInvokableExternal(name: string): boolean;
}

/** The channel ledgers proposals simulate against. */
export interface SimulationLedgers {
  getLedger(channelId: string):
    | {
        newTxSimulator(txId: string): Promise<
          StateSimulator & { done(): void; getTxSimulationResults(): { pubSimulationBytes?: Uint8Array; pvtSimulationBytes?: Uint8Array | undefined } }
        >;
        newHistoryQueryExecutor(): Promise<StateHistoryExecutor>;
        /** Keeps the private writes of a simulated transaction until its block commits (the transient store). */
        storeTransientPrivateData(txId: string, pvtSimulationBytes: Uint8Array): Promise<void>;
        txIdExists(txId: string): Promise<boolean>;
      }
    | undefined;
}

/** Who may do what: the ACL of a resource, checked for a proposal's creator (already verified). */
export interface ProposalAccess<I extends CreatorIdentity> {
  /** Throws an error with Fabric's message when the creator may not use the resource on the channel. */
  checkACL(resource: string, channelId: string, signed: SignedProposal, creator: I): void;
}

/** The peer's own identity, which signs its endorsements. */
export interface EndorsementSigner {
  serialize(): Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export interface EndorserOptions<I extends CreatorIdentity = CreatorIdentity> {
  chaincodes: ChaincodeExecutor;
  systemChaincodes: SystemChaincodes;
  ledgers: SimulationLedgers;
  /** The identities of a channel's MSPs, from its config; undefined when the peer is not on it. */
  channelIdentities(channelId: string): CreatorDeserializer<I> | undefined;
  /** The peer's local MSP, which channel-less proposals are checked against. */
  localIdentities: CreatorDeserializer<I>;
  access: ProposalAccess<I>;
  signer: EndorsementSigner;
  /** The version system chaincodes run as. */
  sysCCVersion: string;
  /** The container type a legacy (lscc) chaincode is launched in at its instantiation: PROCESS, DEV in dev mode, CCAAS for a service. */
  containerTypeOf(name: string, version: string): string;
  /** How user chaincode runs: from `_lifecycle`'s definitions, or lscc's. */
  endorsementInfo: EndorsementInfoSource;
  /**
   * Told of each endorsement the peer signs: the endorser's serialized identity, the message signed
   * (the response payload, then the endorser) and the signature; e.g. so the committer need not
   * verify it again.
   */
  onEndorsed?: (channelId: string, endorsed: OwnEndorsement) => void;
  metrics?: EndorserMetrics | undefined;
  logger: Logger;
}

/** The resource whose ACL a proposal to a user chaincode must pass (Fabric's peer/Propose). */
const PROPOSE = 'peer/Propose';

/**
 * Endorses proposals (Fabric's Endorser.ProcessProposal): unpacks the proposal, checks its creator
 * and signature, refuses a replayed txid and a creator the channel's ACL does not allow, runs the
 * chaincode on a simulator of the channel's ledger, and answers with the chaincode's response, the
 * simulation results, and the peer's signature over them.
 */
export class Endorser<I extends CreatorIdentity = CreatorIdentity> {
  constructor(private readonly opts: EndorserOptions<I>) {}

  /**
   * Fabric's ProcessProposal. `endorse: false` (the Gateway's Evaluate, which returns only the
   * chaincode's response) leaves the response unsigned: no endorsement is made for it to carry.
   */
  async processProposal(signed: SignedProposal, options: { endorse?: boolean } = {}): Promise<ProposalResponse> {
    const metrics = this.opts.metrics;
    if (metrics === undefined) return this.process(signed, options.endorse ?? true);
    const start = performance.now();
    metrics.proposalsReceived.add(1);
    const named = { channelId: '', chaincodeName: '' };
    const reply = await this.process(signed, options.endorse ?? true, { metrics, named });
    const success = (reply.getResponse()?.getStatus() ?? 500) < ERROR_THRESHOLD;
    if (success) metrics.successfulProposals.add(1);
    metrics.proposalDuration.with(named.channelId, named.chaincodeName, String(success)).observe(secondsSince(start));
    return reply;
  }

  /** With metrics, counts what happens to the proposal and fills in the channel and chaincode it names. */
  private async process(
    signed: SignedProposal,
    endorse: boolean,
    measured?: { metrics: EndorserMetrics; named: { channelId: string; chaincodeName: string } },
  ): Promise<ProposalResponse> {
    const metrics = measured?.metrics;
    let up: UnpackedProposal;
    try {
      up = unpackProposal(signed);
    } catch (err) {
      metrics?.proposalValidationFailures.add(1);
      this.opts.logger.warn('ProcessProposal', `Failed to unpack proposal: ${errorMessage(err)}`);
      return errorResponse(errorMessage(err));
    }
    if (measured !== undefined) {
      measured.named.channelId = up.channelId;
      measured.named.chaincodeName = up.chaincodeName;
    }
    let identities: CreatorDeserializer<I>;
    if (up.channelId === '') {
      identities = this.opts.localIdentities;
    } else {
      const channel = this.opts.channelIdentities(up.channelId);
      if (channel === undefined) return errorResponse(`channel '${up.channelId}' not found`);
      identities = channel;
    }
    try {
      await this.preProcess(up, identities);
    } catch (err) {
      // Logged once, with the reason the client is not told.
      const reason = err instanceof AccessDeniedError ? `${err.message}: ${err.reason}` : errorMessage(err);
      this.opts.logger.warn('ProcessProposal', `[${up.channelId}][${shortTxId(up.txId)}] Failed to preProcess proposal: ${reason}`);
      return errorResponse(errorMessage(err));
    }
    try {
      const reply = await this.simulate(up, endorse);
      if (metrics !== undefined && (reply.getResponse()?.getStatus() ?? 500) >= ERROR_THRESHOLD) {
        metrics.endorsementFailures.with(up.channelId, up.chaincodeName, 'true').add(1);
      }
      return reply;
    } catch (err) {
      metrics?.simulationFailures.with(up.channelId, up.chaincodeName).add(1);
      this.opts.logger.warn('ProcessProposal', `[${up.channelId}][${shortTxId(up.txId)}] simulation of ${up.chaincodeName} failed: ${errorMessage(err)}`);
      return errorResponse(errorMessage(err));
    }
  }

  /** Fabric's order: the proposal and its creator, then (on a channel) a replayed txid, then the ACL. */
  private async preProcess(up: UnpackedProposal, identities: CreatorDeserializer<I>): Promise<void> {
    let creator: I;
    try {
      creator = validateProposal(up, identities);
    } catch (err) {
      this.opts.metrics?.proposalValidationFailures.add(1);
      if (err instanceof AccessDeniedError) throw new AccessDeniedError(`error validating proposal: ${err.message}`, err.reason);
      throw new EndorserError('BAD_PROPOSAL', `error validating proposal: ${errorMessage(err)}`, { cause: err });
    }
    // Channel-less proposals cannot become transactions: they are checked against the local MSP only.
    if (up.channelId === '') return;
    const ledger = this.opts.ledgers.getLedger(up.channelId);
    if (ledger !== undefined && (await ledger.txIdExists(up.txId))) {
      this.opts.metrics?.duplicateTransactionFailures.with(up.channelId, up.chaincodeName).add(1);
      throw new EndorserError('DUPLICATE_TXID', `duplicate transaction found [${up.txId}]. Creator [${Buffer.from(up.creator).toString('hex').slice(0, 64)}...]`);
    }
    // System chaincodes check their own ACLs, per function.
    if (!this.opts.systemChaincodes.isSysCC(up.chaincodeName)) {
      try {
        this.opts.access.checkACL(PROPOSE, up.channelId, up.signed, creator);
      } catch (err) {
        this.opts.metrics?.proposalAclFailures.with(up.channelId, up.chaincodeName).add(1);
        throw err;
      }
    }
  }

  // Over the complexity limit, mostly for lscc's deploy (its Init in the same simulation), which
  // STYLE.md wants out of the endorser; to be split when that moves.
  // eslint-disable-next-line complexity
  private async simulate(up: UnpackedProposal, endorse: boolean): Promise<ProposalResponse> {
    const { systemChaincodes, ledgers } = this.opts;
    const isSystem = systemChaincodes.isSysCC(up.chaincodeName);
    if (isSystem && systemChaincodes.isSysCCAndNotInvokableExternal(up.chaincodeName)) {
      throw new EndorserError('NOT_INVOKABLE', `chaincode ${up.chaincodeName} cannot be invoked through a proposal`);
    }
    if (!isSystem && up.channelId === '') {
      throw new EndorserError('CHANNEL_NOT_FOUND', `chaincode ${up.chaincodeName} can only be invoked on a channel`);
    }
    const txParams: TransactionParams = { txId: up.txId, channelId: up.channelId, signedProposal: up.signed };
    let sim: Awaited<ReturnType<NonNullable<ReturnType<SimulationLedgers['getLedger']>>['newTxSimulator']>> | undefined;
    const ledger = up.channelId === '' ? undefined : ledgers.getLedger(up.channelId);
    if (up.channelId !== '') {
      if (ledger === undefined) throw new EndorserError('CHANNEL_NOT_FOUND', `channel '${up.channelId}' not found`);
      sim = await ledger.newTxSimulator(up.txId);
      txParams.txSimulator = sim;
      txParams.historyQueryExecutor = await ledger.newHistoryQueryExecutor();
    }
    try {
      const { response, version, event } = isSystem ? await this.callSystemChaincode(up, txParams) : await this.callUserChaincode(up, txParams, sim);
      const simulation = sim?.getTxSimulationResults();
      const pvt = simulation?.pvtSimulationBytes;
      // Private writes wait for their block in the transient store. (Init, run inside lscc's
      // deploy, cannot make any: the handler refuses private data in Init.)
      if (pvt !== undefined && response.getStatus() < 400) await ledger?.storeTransientPrivateData(up.txId, pvt);
      const { reply, endorsed } = proposalResponse(up, version, response, simulation?.pubSimulationBytes ?? new Uint8Array(), event, endorse ? this.opts.signer : undefined);
      if (endorsed !== undefined) this.opts.onEndorsed?.(up.channelId, endorsed);
      return reply;
    } finally {
      sim?.done();
    }
  }

  private async callSystemChaincode(up: UnpackedProposal, txParams: TransactionParams): Promise<{ response: Response; version: string; event?: ChaincodeEvent }> {
    const version = this.opts.sysCCVersion;
    const { response } = await this.opts.chaincodes.execute(txParams, { name: up.chaincodeName, version }, up.input);
    // An instantiation or upgrade runs the new chaincode's Init in the same simulation, as Fabric's legacy lifecycle does.
    const args = up.input.getArgsList_asU8();
    const fn = Buffer.from(args[0] ?? []).toString();
    if (up.chaincodeName === 'lscc' && response.getStatus() === 200 && (fn === 'deploy' || fn === 'upgrade')) {
      const cds = decodeSpec(args[2] ?? new Uint8Array());
      if (typeof cds !== 'string') {
        const containerType = this.opts.containerTypeOf(cds.name, cds.version);
        const init = await this.opts.chaincodes.executeLegacyInit(txParams, { name: cds.name, version: cds.version }, cds.spec, containerType);
        if (init.getStatus() >= 400) return { response: init, version };
      }
    }
    return { response, version };
  }

  private async callUserChaincode(
    up: UnpackedProposal,
    txParams: TransactionParams,
    sim: StateSimulator | undefined,
  ): Promise<{ response: Response; version: string; event?: ChaincodeEvent | undefined }> {
    let info: EndorsementInfo | undefined;
    if (sim !== undefined) {
      try {
        info = await this.opts.endorsementInfo.endorsementInfo(up.channelId, up.chaincodeName, sim);
      } catch (err) {
        throw new EndorserError('CHAINCODE_NOT_FOUND', `[channel ${up.channelId}] failed to get chaincode container info for ${up.chaincodeName}: ${errorMessage(err)}`, {
          cause: err,
        });
      }
    }
    if (sim === undefined || info === undefined) {
      throw new EndorserError(
        'CHAINCODE_NOT_FOUND',
        `make sure the chaincode ${up.chaincodeName} has been successfully defined on channel ${up.channelId} and try again: chaincode ${up.chaincodeName} not found`,
      );
    }
    const init = await checkInvocation(up.chaincodeName, info, up.input, sim);
    const { response, message } = await this.opts.chaincodes.execute(txParams, { name: up.chaincodeName, version: info.version }, up.input, info.ccci, { init });
    const event = message.getChaincodeEvent();
    if (event !== undefined) {
      // As Fabric records it: the chaincode and the transaction the event came from.
      event.setChaincodeId(up.chaincodeName);
      event.setTxId(up.txId);
    }
    return { response, version: info.version, event };
  }
}

/** Where a chaincode that requires Init records the version it was initialised at (Fabric's key). */
const INITIALIZED_KEY = '\u0000\u{10FFFF}initialized';

/**
 * Fabric's rules for `_lifecycle`'s InitRequired: the first invocation of each version must be an
 * Init (`--isInit`), and only that one. Returns whether this invocation is the Init, having
 * recorded it in the transaction.
 */
async function checkInvocation(name: string, info: EndorsementInfo, input: ChaincodeInput, sim: StateSimulator): Promise<boolean> {
  let needsInit = false;
  if (info.initRequired) {
    const initialized = await sim.getState(name, INITIALIZED_KEY);
    needsInit = initialized === undefined || Buffer.from(initialized).toString('utf8') !== info.version;
  }
  if (input.getIsInit()) {
    if (!info.initRequired) throw new EndorserError('INIT_REFUSED', `chaincode '${name}' does not require initialization but called as init`);
    if (!needsInit) throw new EndorserError('INIT_REFUSED', `chaincode '${name}' is already initialized but called as init`);
    sim.setState(name, INITIALIZED_KEY, Buffer.from(info.version));
    return true;
  }
  if (needsInit) throw new EndorserError('INIT_REFUSED', `chaincode '${name}' has not been initialized for this version, must call as init first`);
  return false;
}

// Fabric's shim thresholds: 400 and above is an error; below 400 (and on a channel) is endorsed.
const ERROR_THRESHOLD = 400;
const NO_BYTES = new Uint8Array(0);

/** An endorsement this peer signed: its identity, and the bytes it signed (the response payload, then the endorser). */
export interface OwnEndorsement {
  endorser: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

/**
 * The answer to a proposal, as Fabric builds it: a chaincode error carries no payload and no
 * endorsement; a channel-less call carries only the response (it cannot become a transaction);
 * otherwise the payload (proposal hash and chaincode action) is signed by the peer, unless no
 * signer is given (an evaluation): the signature covers the payload bytes followed by the peer's
 * serialized identity, and what was signed comes back beside the reply.
 */
function proposalResponse(
  up: UnpackedProposal,
  version: string,
  response: Response,
  results: Uint8Array,
  event: ChaincodeEvent | undefined,
  signer: EndorsementSigner | undefined,
): { reply: ProposalResponse; endorsed?: OwnEndorsement } {
  const reply = new ProposalResponse();
  reply.setVersion(1);
  // Empty bytes set as such: google-protobuf's default for bytes is '', which it base64-decodes on every serialization.
  if (response.getPayload() === '') response.setPayload(NO_BYTES);
  reply.setResponse(response);
  if (response.getStatus() >= ERROR_THRESHOLD) return { reply };
  const payloadBytes = responsePayloadBytes({ proposalHash: up.proposalHash, results, event, response, chaincodeName: up.chaincodeName, chaincodeVersion: version });
  reply.setPayload(payloadBytes);
  if (up.channelId === '' || signer === undefined) return { reply };
  const endorser = signer.serialize();
  const message = Buffer.concat([payloadBytes, endorser]);
  const signature = signer.sign(message);
  const endorsement = new Endorsement();
  endorsement.setEndorser(endorser);
  endorsement.setSignature(signature);
  reply.setEndorsement(endorsement);
  return { reply, endorsed: { endorser, message, signature } };
}

function shortTxId(txId: string): string {
  return txId.slice(0, 8);
}

function errorResponse(message: string): ProposalResponse {
  const response = new Response();
  response.setStatus(500);
  response.setMessage(message);
  const pr = new ProposalResponse();
  pr.setResponse(response);
  return pr;
}
