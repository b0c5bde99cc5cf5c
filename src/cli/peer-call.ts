import { EndorserClient, ClientError } from '../client/endorser-client.js';
import { createSignedProposal, type ProposalRequest } from '../client/signed-proposal.js';
import { loadCoreConfig } from '../common/config/load-core-config.js';
import type { Response } from '../common/protos/peer.js';
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
  const { address, signer } = await clientContext(env);
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
