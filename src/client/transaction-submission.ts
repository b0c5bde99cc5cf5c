import type { Logger } from '../common/logging/logging.js';
import { TxValidationCode, type BroadcastResponse } from '../common/protos/orderer.js';
import { HeaderType, type ProposalResponse, type SignedProposal } from '../common/protos/proposal.js';
import { BroadcastClient } from './broadcast-client.js';
import type { ClientContext } from './client-context.js';
import { ClientError } from './client-error.js';
import type { ClientTls } from './client-tls.js';
import { CommitWaiter, type CommitStatus } from './commit-waiter.js';
import { DeliverClient } from './deliver-client.js';
import { EndorserClient } from './endorser-client.js';
import { createSignedProposal, type ProposalRequest } from './signed-proposal.js';
import { createTransactionEnvelope } from './transaction-envelope.js';

// common.Status.SUCCESS: the orderer took the transaction.
const SUCCESS = 200;

/** A peer a client sends a proposal to, and watches for the transaction's commit. */
export interface EndorsingPeer {
  address: string;
  tls: ClientTls | undefined;
}

/** A proposal and every peer's answer to it. */
export interface Endorsed {
  signed: SignedProposal;
  txId: string;
  /** The first peer's answer. */
  reply: ProposalResponse;
  /** Every peer's answer, in the order of the peers. */
  replies: ProposalResponse[];
  context: ClientContext;
  peers: EndorsingPeer[];
}

/** Signs one proposal as the context's identity and sends it to every peer, all at once. */
export async function endorse(
  context: ClientContext,
  peers: readonly EndorsingPeer[],
  req: Omit<ProposalRequest, 'signer' | 'headerType'>,
): Promise<Endorsed> {
  const { signed, txId } = createSignedProposal({ headerType: HeaderType.ENDORSER_TRANSACTION, signer: context.signer, ...req });
  const replies = await Promise.all(
    peers.map(async (peer) => {
      const client = await EndorserClient.connect(peer.address, peer.tls);
      try {
        return await client.send(signed);
      } finally {
        client.close();
      }
    }),
  );
  const reply = replies[0];
  if (reply === undefined) throw new ClientError('PROPOSAL_FAILED', 'no proposal responses received');
  return { signed, txId, reply, replies, context, peers: [...peers] };
}

/** Where an endorsed transaction goes, and whether and how long to wait for its commit. */
export interface SubmitOptions {
  channelId: string;
  /** The ordering service's Broadcast (Weft's peer serves its embedded orderer's on its own address). */
  orderer: { address: string; tls: ClientTls | undefined };
  /** Wait on each endorsing peer's DeliverFiltered for the commit. */
  wait: boolean;
  timeoutMs: number;
  /** Logs each peer's commit as Fabric's CLI does. */
  logger?: Logger | undefined;
}

/**
 * Broadcasts the endorsed transaction (every peer's endorsement in it) to the ordering service,
 * then, with `wait`, waits on each endorsing peer's DeliverFiltered for its commit, each opened
 * before the broadcast so that it cannot be missed. Resolves where the first peer committed it; a
 * transaction not VALID at any peer throws with its validation code.
 */
export async function submitEndorsed(endorsed: Endorsed, opts: SubmitOptions): Promise<CommitStatus | undefined> {
  const { context } = endorsed;
  const envelope = createTransactionEnvelope(endorsed.signed, endorsed.replies, context.signer);
  const watched = opts.wait ? endorsed.peers : [];
  const delivers = await Promise.all(watched.map((peer) => DeliverClient.connect(peer.address, { service: 'peer', signer: context.signer, tls: peer.tls })));
  try {
    const waiters = await Promise.all(delivers.map((deliver) => CommitWaiter.open(deliver, { channelId: opts.channelId, timeoutMs: opts.timeoutMs })));
    let reply: BroadcastResponse;
    try {
      const client = await BroadcastClient.connect(opts.orderer.address, opts.orderer.tls);
      try {
        reply = await client.send(envelope);
      } finally {
        client.close();
      }
    } catch (err) {
      for (const waiter of waiters) waiter.close();
      throw err;
    }
    if (reply.getStatus() !== SUCCESS) {
      for (const waiter of waiters) waiter.close();
      throw new ClientError('BROADCAST_REFUSED', `could not send transaction: status ${reply.getStatus()}: ${reply.getInfo()}`);
    }
    const statuses = await Promise.all(
      waiters.map(async (waiter, i) => {
        const status = await waiter.wait(endorsed.txId);
        opts.logger?.info('ClientWait', `txid [${endorsed.txId}] committed with status (${status.validationCodeName}) at ${watched[i]?.address ?? ''}`);
        return status;
      }),
    );
    const invalid = statuses.find((s) => s.validationCode !== TxValidationCode.VALID);
    if (invalid !== undefined) {
      throw new ClientError('TX_INVALIDATED', `transaction ${endorsed.txId} invalidated with status (${invalid.validationCodeName}) in block ${invalid.blockNumber}`);
    }
    return statuses[0];
  } finally {
    for (const deliver of delivers) deliver.close();
  }
}
