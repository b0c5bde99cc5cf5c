import type { ExecutionResult } from '../chaincode/chaincode-support.js';
import type { CCContext, StateSimulator, TransactionParams } from '../chaincode/chaincode-context.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { ChaincodeID, Response, type ChaincodeInput } from '../common/protos/peer.js';
import {
  ChaincodeAction,
  ProposalResponse,
  ProposalResponsePayload,
  type SignedProposal,
} from '../common/protos/proposal.js';
import { EndorserError } from './endorser-error.js';
import { unpackProposal, type UnpackedProposal } from './unpacked-proposal.js';

/** Runs chaincode (ChaincodeSupport). */
export interface ChaincodeExecutor {
  execute(txParams: TransactionParams, cccid: CCContext, input: ChaincodeInput): Promise<ExecutionResult>;
}

/** Which chaincodes are system chaincodes, and may clients call them (the SCC provider). */
export interface SystemChaincodes {
  isSysCC(name: string): boolean;
  isSysCCAndNotInvokableExternal(name: string): boolean;
}

/** The channel ledgers proposals simulate against. */
export interface SimulationLedgers {
  getLedger(channelId: string):
    | { newTxSimulator(txId: string): Promise<StateSimulator & { done(): void; getTxSimulationResults(): { pubSimulationBytes?: Uint8Array } }> }
    | undefined;
}

export interface EndorserOptions {
  chaincodes: ChaincodeExecutor;
  systemChaincodes: SystemChaincodes;
  ledgers: SimulationLedgers;
  /** The version system chaincodes run as. */
  sysCCVersion: string;
  logger: Logger;
}

/**
 * Simulates proposals (Fabric's Endorser.ProcessProposal): unpacks the proposal, runs the chaincode
 * on a simulator of the channel's ledger, and answers with the chaincode's response and the
 * simulation results. Signatures are neither checked nor made yet: the listener serving this only
 * accepts callers on this machine.
 */
export class Endorser {
  constructor(private readonly opts: EndorserOptions) {}

  async processProposal(signed: SignedProposal): Promise<ProposalResponse> {
    let up: UnpackedProposal;
    try {
      up = unpackProposal(signed);
    } catch (err) {
      return errorResponse(errorMessage(err));
    }
    try {
      return await this.simulate(up);
    } catch (err) {
      this.opts.logger.warn('ProcessProposal', `[${up.channelId}][${up.txId.slice(0, 8)}] simulation of ${up.chaincodeName} failed: ${errorMessage(err)}`);
      return errorResponse(errorMessage(err));
    }
  }

  private async simulate(up: UnpackedProposal): Promise<ProposalResponse> {
    const { systemChaincodes, ledgers, chaincodes } = this.opts;
    if (!systemChaincodes.isSysCC(up.chaincodeName)) {
      throw new EndorserError('CHAINCODE_NOT_FOUND', `chaincode ${up.chaincodeName} not found on this peer`);
    }
    if (systemChaincodes.isSysCCAndNotInvokableExternal(up.chaincodeName)) {
      throw new EndorserError('NOT_INVOKABLE', `chaincode ${up.chaincodeName} cannot be invoked through a proposal`);
    }
    const txParams: TransactionParams = { txId: up.txId, channelId: up.channelId };
    let sim: Awaited<ReturnType<NonNullable<ReturnType<SimulationLedgers['getLedger']>>['newTxSimulator']>> | undefined;
    if (up.channelId !== '') {
      const ledger = ledgers.getLedger(up.channelId);
      if (ledger === undefined) throw new EndorserError('CHANNEL_NOT_FOUND', `channel '${up.channelId}' not found`);
      sim = await ledger.newTxSimulator(up.txId);
      txParams.txSimulator = sim;
    }
    try {
      const cccid = { name: up.chaincodeName, version: this.opts.sysCCVersion };
      const { response } = await chaincodes.execute(txParams, cccid, up.input);
      const results = sim?.getTxSimulationResults().pubSimulationBytes ?? new Uint8Array();
      return proposalResponse(up, response, results);
    } finally {
      sim?.done();
    }
  }
}

function proposalResponse(up: UnpackedProposal, response: Response, results: Uint8Array): ProposalResponse {
  const pr = new ProposalResponse();
  pr.setVersion(1);
  pr.setResponse(response);
  if (response.getStatus() < 400) {
    const action = new ChaincodeAction();
    action.setResults(results);
    action.setResponse(response);
    const id = new ChaincodeID();
    id.setName(up.chaincodeName);
    action.setChaincodeId(id);
    const payload = new ProposalResponsePayload();
    payload.setProposalHash(up.proposalHash);
    payload.setExtension$(action.serializeBinary());
    pr.setPayload(payload.serializeBinary());
  }
  return pr;
}

function errorResponse(message: string): ProposalResponse {
  const response = new Response();
  response.setStatus(500);
  response.setMessage(message);
  const pr = new ProposalResponse();
  pr.setResponse(response);
  return pr;
}
