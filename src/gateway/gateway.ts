import type { ChaincodeDefinitionSource } from '../chaincode/definitions.js';
import type { ChannelBundle } from '../channel/channel-bundle.js';
import { EndorsementPolicies } from '../channel/endorsement-policies.js';
import { createTransactionEnvelope } from '../client/transaction-envelope.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { Envelope } from '../common/protos/common.js';
import { statusName } from '../common/protos/deliver.js';
import type { ProposalResponse, SignedProposal } from '../common/protos/proposal.js';
import { bytesField } from '../common/protos/proto-wire.js';
import type { Response } from '../common/protos/peer.js';
import type { GatewayEndorser } from './endorsers.js';
import { GatewayError, type EndpointFailure } from './gateway-error.js';
import { summarizeProposal, type ProposalSummary } from './proposal-summary.js';

/** An ordering service node the Gateway can submit to. */
export interface GatewayOrderer {
  readonly address: string;
  readonly mspId: string;
  /** The orderer's Broadcast answer (common.Status and info); rejects when it cannot be reached. The caller bounds the wait. */
  broadcast(envelope: Envelope): Promise<{ status: number; info: string }>;
}

export interface GatewayOptions {
  localMspId: string;
  endorsementTimeoutMs: number;
  broadcastTimeoutMs: number;
}

export interface GatewayModules {
  /** The channel's config, undefined for a channel this peer is not on. */
  bundle(channelId: string): ChannelBundle | undefined;
  /** This peer's endorser. */
  local: GatewayEndorser;
  /** Other organisations' peers on the channel, by MSP ID (the channel config's anchor peers). */
  remoteEndorsers(channelId: string): Promise<ReadonlyMap<string, GatewayEndorser>>;
  /** The channel's ordering service nodes. */
  orderers(channelId: string): Promise<readonly GatewayOrderer[]>;
  definitions: ChaincodeDefinitionSource;
  /** The organisations of the chaincode's private data collections; undefined when it has none. */
  collectionMembers(channelId: string, chaincodeName: string): Promise<readonly string[] | undefined>;
  logger: Logger;
}

/** One endorser's answer, good or not. */
type Outcome = { endorser: GatewayEndorser; response: ProposalResponse } | { endorser: GatewayEndorser; failure: Failure };

interface Failure {
  code: 'ABORTED' | 'UNKNOWN' | 'UNAVAILABLE' | 'DEADLINE_EXCEEDED';
  message: string;
}

const SUCCESS = 200;

/**
 * Fabric's Gateway service: evaluates and endorses a client's proposal on the peers the
 * chaincode's endorsement policy needs (this peer first), assembles the transaction for the
 * client to sign, and submits it to the channel's ordering service. CommitStatus and
 * ChaincodeEvents are served next to it (gateway-service.ts).
 */
export class Gateway {
  private readonly policies = new EndorsementPolicies();

  constructor(
    private readonly opts: GatewayOptions,
    private readonly modules: GatewayModules,
  ) {}

  /** The chaincode's answer from one endorser: this peer, or one of `targetOrgs`. */
  async evaluate(signed: SignedProposal | undefined, targetOrgs: readonly string[]): Promise<Response> {
    const proposal = summarizeProposal(signed);
    this.channelBundle(proposal.channelId);
    const endorser = await this.evaluator(proposal, targetOrgs);
    const outcome = await this.ask(endorser, signed as SignedProposal, 'evaluate timeout expired', true);
    if ('failure' in outcome) {
      if (outcome.failure.code === 'DEADLINE_EXCEEDED') throw new GatewayError('DEADLINE_EXCEEDED', outcome.failure.message);
      const detail = failureDetail(outcome);
      // As Fabric's: a failure another endorser might not have (unreachable, or the chaincode's error) is told in the details.
      const retriable = outcome.failure.code === 'ABORTED' || outcome.failure.code === 'UNAVAILABLE';
      const message = retriable ? 'failed to evaluate transaction, see attached details for more info' : `evaluate call to endorser returned error: ${outcome.failure.message}`;
      throw new GatewayError(outcome.failure.code, message, [detail]);
    }
    const result = outcome.response.getResponse();
    if (result === undefined) throw new GatewayError('ABORTED', 'failed to evaluate transaction: the endorser sent no response');
    const payload = resultOf(outcome.response);
    if (payload !== undefined) result.setPayload(payload);
    return result;
  }

  /**
   * Endorsements that satisfy the chaincode's endorsement policy, assembled into the transaction
   * envelope the client signs and submits (unsigned here).
   */
  async endorse(signed: SignedProposal | undefined, endorsingOrgs: readonly string[]): Promise<Envelope> {
    const proposal = summarizeProposal(signed);
    const bundle = this.channelBundle(proposal.channelId);
    const signedProposal = signed as SignedProposal;
    const responses = endorsingOrgs.length > 0
      ? await this.endorseByOrgs(proposal, signedProposal, endorsingOrgs)
      : await this.endorseByPolicy(proposal, signedProposal, bundle);
    try {
      return createTransactionEnvelope(signedProposal, responses);
    } catch (err) {
      throw new GatewayError('ABORTED', `failed to assemble transaction: ${errorMessage(err)}`, [], { cause: err });
    }
  }

  /** Sends a signed transaction to the channel's orderers, one after another until one accepts it. */
  async submit(channelId: string, envelope: Envelope | undefined): Promise<void> {
    if (envelope === undefined) throw new GatewayError('INVALID_ARGUMENT', 'a prepared transaction is required');
    if (envelope.getSignature_asU8().length === 0) throw new GatewayError('INVALID_ARGUMENT', 'prepared transaction must be signed');
    this.channelBundle(channelId);
    const orderers = await this.modules.orderers(channelId);
    if (orderers.length === 0) throw new GatewayError('UNAVAILABLE', 'no orderer nodes available');
    const details: EndpointFailure[] = [];
    for (const orderer of shuffled(orderers)) {
      let answer: { status: number; info: string };
      try {
        answer = await withTimeout(orderer.broadcast(envelope), this.opts.broadcastTimeoutMs);
      } catch (err) {
        if (err instanceof TimeoutError) throw new GatewayError('DEADLINE_EXCEEDED', 'submit timeout expired while broadcasting to ordering service');
        this.modules.logger.warn('Submit', `Error sending transaction to orderer ${orderer.address}: ${errorMessage(err)}`);
        details.push({ address: orderer.address, mspId: orderer.mspId, message: errorMessage(err) });
        continue;
      }
      if (answer.status === SUCCESS) return;
      this.modules.logger.warn('Submit', `Unsuccessful response sending transaction to orderer ${orderer.address}: status=${statusName(answer.status)}, info=${answer.info}`);
      if (answer.status >= 400 && answer.status < 500) {
        throw new GatewayError('ABORTED', `received unsuccessful response from orderer: status=${statusName(answer.status)}, info=${answer.info}`);
      }
      details.push({ address: orderer.address, mspId: orderer.mspId, message: `received unsuccessful response from orderer: status=${statusName(answer.status)}, info=${answer.info}` });
    }
    throw new GatewayError('UNAVAILABLE', 'no orderers could successfully process transaction', details);
  }

  private channelBundle(channelId: string): ChannelBundle {
    const bundle = this.modules.bundle(channelId);
    if (bundle === undefined) throw new GatewayError('NOT_FOUND', `channel not found: ${channelId}`);
    return bundle;
  }

  /** This peer, unless the client named organisations without it; with transient data and no names, this peer only. */
  private async evaluator(proposal: ProposalSummary, targetOrgs: readonly string[]): Promise<GatewayEndorser> {
    if (targetOrgs.length === 0 || targetOrgs.includes(this.opts.localMspId)) return this.modules.local;
    const remote = await this.modules.remoteEndorsers(proposal.channelId);
    for (const org of targetOrgs) {
      const endorser = remote.get(org);
      if (endorser !== undefined) return endorser;
    }
    throw new GatewayError('FAILED_PRECONDITION', `no peers available to evaluate chaincode ${proposal.chaincodeName} in channel ${proposal.channelId} with target organizations [${targetOrgs.join(', ')}]`);
  }

  /** Every named organisation endorses: the client chose them (to keep transient data among them). */
  private async endorseByOrgs(proposal: ProposalSummary, signed: SignedProposal, orgs: readonly string[]): Promise<ProposalResponse[]> {
    const remote = await this.modules.remoteEndorsers(proposal.channelId);
    const missing: string[] = [];
    const endorsers: GatewayEndorser[] = [];
    for (const org of new Set(orgs)) {
      const endorser = org === this.opts.localMspId ? this.modules.local : remote.get(org);
      if (endorser === undefined) missing.push(org);
      else endorsers.push(endorser);
    }
    if (missing.length > 0) throw new GatewayError('UNAVAILABLE', `failed to find any endorsing peers for org(s): ${missing.join(', ')}`);
    const outcomes = await Promise.all(endorsers.map((endorser) => this.ask(endorser, signed, 'endorsement timeout expired while collecting endorsements')));
    const { responses, details } = matching(outcomes, undefined);
    if (details.length > 0) throw new GatewayError('ABORTED', 'failed to collect enough transaction endorsements, see attached details for more info', details);
    return responses;
  }

  /**
   * This peer first; when its endorsement alone does not satisfy the chaincode's policy, the other
   * organisations' peers too, all at once. With transient data, only organisations of the
   * chaincode's private data collections are asked, so that the data goes nowhere else.
   */
  private async endorseByPolicy(proposal: ProposalSummary, signed: SignedProposal, bundle: ChannelBundle): Promise<ProposalResponse[]> {
    const first = await this.ask(this.modules.local, signed, 'endorsement timeout expired while collecting first endorsement');
    if ('failure' in first) {
      if (first.failure.code === 'DEADLINE_EXCEEDED') throw new GatewayError('DEADLINE_EXCEEDED', first.failure.message);
      throw new GatewayError('ABORTED', 'failed to endorse transaction, see attached details for more info', [failureDetail(first)]);
    }
    const responses = [first.response];
    const policy = await this.policyCheck(proposal, bundle);
    if (policy === undefined || policy(responses)) return responses;

    const remote = await this.modules.remoteEndorsers(proposal.channelId);
    let others = [...remote.values()].filter((endorser) => endorser.mspId !== this.opts.localMspId);
    let excluded: string[] = [];
    if (proposal.hasTransientData) {
      const members = new Set((await this.modules.collectionMembers(proposal.channelId, proposal.chaincodeName)) ?? []);
      excluded = others.filter((endorser) => !members.has(endorser.mspId)).map((endorser) => endorser.mspId);
      others = others.filter((endorser) => members.has(endorser.mspId));
    }
    const outcomes = await Promise.all(others.map((endorser) => this.ask(endorser, signed, 'endorsement timeout expired while collecting endorsements')));
    const collected = matching(outcomes, first.response);
    const all = [...responses, ...collected.responses];
    if (policy(all)) return all;
    if (excluded.length > 0) {
      throw new GatewayError(
        'FAILED_PRECONDITION',
        `requires endorsement from organisation(s) that are not in the distribution policy of the private data collection(s): [${excluded.join(', ')}]; retry specifying trusted endorsing organizations to protect transient data`,
      );
    }
    const details = collected.details.length > 0 ? collected.details : [{ address: this.modules.local.address, mspId: this.opts.localMspId, message: 'the endorsements of the channel\'s peers do not satisfy the endorsement policy' }];
    throw new GatewayError('ABORTED', 'failed to collect enough transaction endorsements, see attached details for more info', details);
  }

  /**
   * Whether a set of endorsements satisfies the chaincode's endorsement policy, judged by the
   * endorsers' identities as Fabric's discovery plans by them; undefined when the chaincode has
   * no definition here (a system chaincode): this peer's endorsement is then all there is to get.
   */
  private async policyCheck(proposal: ProposalSummary, bundle: ChannelBundle): Promise<((responses: readonly ProposalResponse[]) => boolean) | undefined> {
    const definition = await this.modules.definitions.definition(proposal.channelId, proposal.chaincodeName);
    if (definition === undefined) return undefined;
    let policy: ReturnType<EndorsementPolicies['policyOf']>;
    try {
      policy = this.policies.policyOf(definition, bundle);
    } catch (err) {
      throw new GatewayError('FAILED_PRECONDITION', `the endorsement policy of chaincode ${proposal.chaincodeName} does not compile: ${errorMessage(err)}`);
    }
    return (responses) => {
      try {
        policy.evaluateIdentities(responses.map((r) => bundle.msps.deserializeIdentity(r.getEndorsement()?.getEndorser_asU8() ?? new Uint8Array(0))));
        return true;
      } catch {
        return false;
      }
    };
  }

  /** One endorser's answer within the endorsement timeout, sorted into success or failure as Fabric's gateway sorts them. */
  private async ask(endorser: GatewayEndorser, signed: SignedProposal, timeoutMessage: string, evaluateOnly = false): Promise<Outcome> {
    let response: ProposalResponse;
    try {
      response = await withTimeout(endorser.processProposal(signed, deadlineIn(this.opts.endorsementTimeoutMs), evaluateOnly), this.opts.endorsementTimeoutMs);
    } catch (err) {
      if (err instanceof TimeoutError) return { endorser, failure: { code: 'DEADLINE_EXCEEDED', message: timeoutMessage } };
      this.modules.logger.warn('Endorse', `Endorse call to endorser ${endorser.address} (${endorser.mspId}) failed: ${errorMessage(err)}`);
      return { endorser, failure: { code: 'UNAVAILABLE', message: errorMessage(err) } };
    }
    const status = response.getResponse()?.getStatus() ?? 0;
    if (status >= SUCCESS && status < 400) return { endorser, response };
    const message = response.getResponse()?.getMessage() ?? '';
    if (response.getPayload_asU8().length === 0 && status === 500) return { endorser, failure: { code: 'ABORTED', message } };
    return { endorser, failure: { code: 'UNKNOWN', message: `chaincode response ${status}, ${message}` } };
  }
}

/** The successful responses that agree with `reference` (the first endorsement), and a detail per other outcome. */
function matching(outcomes: readonly Outcome[], reference: ProposalResponse | undefined): { responses: ProposalResponse[]; details: EndpointFailure[] } {
  const responses: ProposalResponse[] = [];
  const details: EndpointFailure[] = [];
  let expected = reference === undefined ? undefined : Buffer.from(reference.getPayload_asU8());
  for (const outcome of outcomes) {
    if ('failure' in outcome) {
      details.push(failureDetail(outcome));
      continue;
    }
    const payload = Buffer.from(outcome.response.getPayload_asU8());
    expected ??= payload;
    if (!expected.equals(payload)) {
      details.push({ address: outcome.endorser.address, mspId: outcome.endorser.mspId, message: 'ProposalResponsePayloads do not match' });
      continue;
    }
    responses.push(outcome.response);
  }
  return { responses, details };
}

function failureDetail(outcome: { endorser: GatewayEndorser; failure: Failure }): EndpointFailure {
  return { address: outcome.endorser.address, mspId: outcome.endorser.mspId, message: outcome.failure.message };
}

/** The chaincode's result inside a proposal response (the chaincode action's response payload). */
function resultOf(response: ProposalResponse): Uint8Array | undefined {
  // ProposalResponsePayload.extension (2) is a ChaincodeAction, whose response (3) holds the payload (3).
  try {
    const action = bytesField(response.getPayload_asU8(), 2) ?? new Uint8Array(0);
    const chaincodeResponse = bytesField(action, 3);
    return chaincodeResponse === undefined ? undefined : (bytesField(chaincodeResponse, 3) ?? new Uint8Array(0));
  } catch {
    return undefined;
  }
}

class TimeoutError extends Error {}

function deadlineIn(ms: number): Date {
  return new Date(Date.now() + ms);
}

/** The promise's result, or a TimeoutError after `ms`; the timer never outlives the call. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimeoutError()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
    // The loser of the race settles later unobserved.
    promise.catch(() => undefined);
  }
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
