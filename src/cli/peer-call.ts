import { ClientError } from '../client/client-error.js';
import { EndorserClient } from '../client/endorser-client.js';
import { createSignedProposal, type ProposalRequest } from '../client/signed-proposal.js';
import { loadCoreConfig } from '../common/config/load-core-config.js';
import { ProcessedTransaction } from '../common/protos/orderer.js';
import type { Response } from '../common/protos/peer.js';
import { HeaderType } from '../common/protos/proposal.js';
import { loadSigningIdentity, type SigningIdentity } from '../msp/signing-identity.js';

/** What the CLI needs to talk to a peer: where it is, and who the client is. */
export interface ClientContext {
  address: string;
  signer: SigningIdentity;
}

/**
 * The peer's address from peer.address (CORE_PEER_ADDRESS; a wildcard host means this machine),
 * and the client identity from the MSP at peer.mspConfigPath (CORE_PEER_MSPCONFIGPATH).
 */
export async function clientContext(env: NodeJS.ProcessEnv): Promise<ClientContext> {
  const config = await loadCoreConfig({ env });
  const address = config.peer.address;
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  return {
    address: host === '0.0.0.0' || host === '' || host === '[::]' ? `127.0.0.1${address.slice(colon)}` : address,
    signer: await loadSigningIdentity(config.peer.mspConfigPath, config.peer.localMspId),
  };
}

/** Sends one proposal to the peer and returns the chaincode's Response; an error response throws. */
export async function callPeer(env: NodeJS.ProcessEnv, req: ProposalRequest): Promise<Response> {
  return callPeerAs(await clientContext(env), req);
}

/** callPeer with a client context read already. */
export async function callPeerAs({ address, signer }: ClientContext, req: ProposalRequest): Promise<Response> {
  const client = await EndorserClient.connect(address);
  try {
    const { signed } = createSignedProposal({ signer, ...req });
    const reply = await client.send(signed);
    const response = reply.getResponse();
    if (response === undefined) throw new ClientError('PROPOSAL_FAILED', 'the peer answered without a response');
    if (response.getStatus() >= 400) {
      throw new ClientError('PROPOSAL_FAILED', `received bad response, status ${response.getStatus()}: ${response.getMessage()}`);
    }
    return response;
  } finally {
    client.close();
  }
}

/**
 * The TxValidationCode the peer's ledger gave a committed transaction (qscc GetTransactionByID):
 * what a caller decides on to know whether its transaction took effect.
 */
export async function validationCodeOf(context: ClientContext, channelId: string, txId: string): Promise<number> {
  const response = await callPeerAs(context, {
    channelId: '',
    chaincodeName: 'qscc',
    args: ['GetTransactionByID', channelId, txId].map((a) => Buffer.from(a)),
    headerType: HeaderType.ENDORSER_TRANSACTION,
  });
  return ProcessedTransaction.deserializeBinary(response.getPayload_asU8()).getValidationcode();
}
