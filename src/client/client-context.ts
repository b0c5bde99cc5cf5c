import type { Response } from '../common/protos/peer.js';
import type { SigningIdentity } from '../msp/signing-identity.js';
import { ClientError } from './client-error.js';
import type { ClientTls } from './client-tls.js';
import { EndorserClient } from './endorser-client.js';
import { createSignedProposal, type ProposalRequest } from './signed-proposal.js';

/** What a client needs to talk to a peer: where it is, how (TLS), and who the client is. */
export interface ClientContext {
  address: string;
  signer: SigningIdentity;
  tls: ClientTls | undefined;
}

/** Sends one proposal to the peer as the context's identity and returns the chaincode's Response; an error response throws. */
export async function callPeerAs({ address, signer, tls }: ClientContext, req: ProposalRequest): Promise<Response> {
  const client = await EndorserClient.connect(address, tls);
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
