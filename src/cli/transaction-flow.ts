import type { Command } from 'commander';
import { BroadcastClient } from '../client/broadcast-client.js';
import { ClientError } from '../client/client-error.js';
import type { ClientTls } from '../client/client-tls.js';
import { CommitWaiter, type CommitStatus } from '../client/commit-waiter.js';
import { DeliverClient } from '../client/deliver-client.js';
import { EndorserClient } from '../client/endorser-client.js';
import { createSignedProposal, type ProposalRequest } from '../client/signed-proposal.js';
import { createTransactionEnvelope } from '../client/transaction-envelope.js';
import { parseDuration } from '../common/config/duration.js';
import { readPemFile } from '../common/config/pem-file.js';
import type { Logging } from '../common/logging/logging.js';
import { TxValidationCode, type BroadcastResponse } from '../common/protos/orderer.js';
import { HeaderType, type ProposalResponse, type SignedProposal } from '../common/protos/proposal.js';
import { CliError } from './cli-error.js';
import { ordererTarget, type ClientContext } from './peer-call.js';

// common.Status.SUCCESS: the orderer took the transaction.
const SUCCESS = 200;

/** A peer the CLI sends a proposal to, and watches for the transaction's commit. */
export interface EndorsingPeer {
  address: string;
  tls: ClientTls | undefined;
}

/** --peerAddresses and --tlsRootCertFiles, each repeatable, paired by position. */
export interface PeerFlags {
  peerAddresses?: string[];
  tlsRootCertFiles?: string[];
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Adds Fabric's --peerAddresses and --tlsRootCertFiles. */
export function addPeerFlags(command: Command): Command {
  return command
    .option('--peerAddresses <address>', "the address of a peer to connect to; repeat it for several (default: the CLI's peer, CORE_PEER_ADDRESS)", collect)
    .option(
      '--tlsRootCertFiles <file>',
      'if TLS is enabled, the TLS root certificate of the peer given by the --peerAddresses at the same position; repeat it as that flag',
      collect,
    );
}

/**
 * The peers a command talks to: those of --peerAddresses, each with the TLS root of its
 * --tlsRootCertFiles (the CLI's own root for an empty or missing one, as Fabric's CLI reads its
 * default), or the CLI's own peer. Fabric's rules: only commands that gather endorsements take
 * several; with TLS, as many root files as addresses.
 */
export async function endorsingPeers(context: ClientContext, flags: PeerFlags, opts: { command: string; multiple: boolean }): Promise<EndorsingPeer[]> {
  const addresses = flags.peerAddresses ?? [];
  if (addresses.length === 0) return [{ address: context.address, tls: context.tls }];
  if (!opts.multiple && addresses.length > 1) {
    throw new CliError('BAD_INPUT', `'${opts.command}' command supports one peer. ${addresses.length} peers provided`);
  }
  if (context.tls === undefined) return addresses.map((address) => ({ address, tls: undefined }));
  const files = flags.tlsRootCertFiles ?? [''];
  if (files.length !== addresses.length) {
    throw new CliError('BAD_INPUT', `number of peer addresses (${addresses.length}) does not match the number of TLS root cert files (${files.length})`);
  }
  const tls = context.tls;
  return Promise.all(
    addresses.map(async (address, i) => {
      const file = files[i] ?? '';
      const rootCertPem = file === '' ? tls.rootCertPem : await readPemFile('--tlsRootCertFiles', file, 'certificate');
      return { address, tls: { ...tls, rootCertPem } };
    }),
  );
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

/** Signs one proposal as the CLI's identity and sends it to every peer, all at once. */
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

/** Where an endorsed transaction goes, and how long the CLI waits for its commit (the CLI's -o, --waitForEvent, --waitForEventTimeout). */
export interface OrderingFlags {
  orderer?: string;
  ordererTLSHostnameOverride?: string;
  waitForEvent?: boolean;
  waitForEventTimeout: string;
}

// Go's strconv.ParseBool, which Fabric's --waitForEvent=false goes through.
const BOOLEANS: ReadonlyMap<string, boolean> = new Map(
  [...['1', 't', 'T', 'TRUE', 'true', 'True'].map((s) => [s, true] as const), ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((s) => [s, false] as const)],
);

function parseWaitForEvent(value: string): boolean {
  const parsed = BOOLEANS.get(value);
  if (parsed === undefined) throw new CliError('BAD_INPUT', `invalid argument "${value}" for "--waitForEvent" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
  return parsed;
}

/**
 * -o, --ordererTLSHostnameOverride, --waitForEvent, --waitForEventTimeout. With `optionalWait`
 * (the lifecycle commands) --waitForEvent is true unless given false (`--waitForEvent=false`), as
 * in Fabric; otherwise the CLI always waits and the flag is only taken for Fabric's scripts' sake.
 */
export function addOrderingFlags(command: Command, opts: { optionalWait?: boolean } = {}): Command {
  command
    .option('-o, --orderer <address>', "ordering service endpoint (default: the peer's address, where its embedded orderer answers)")
    .option('--ordererTLSHostnameOverride <host>', "the host name the ordering service's TLS certificate carries, when it is not the one dialled");
  if (opts.optionalWait === true) {
    command.option(
      '--waitForEvent [bool]',
      "wait for the transaction to be committed on each peer (its deliver service's filtered blocks); --waitForEvent=false does not",
      parseWaitForEvent,
      true,
    );
  } else {
    command.option('--waitForEvent', 'wait for the transaction to be committed on the peer (Weft always does: a transaction that is not VALID fails the command)');
  }
  return command.option('--waitForEventTimeout <duration>', 'how long to wait for the transaction to be committed', '30s');
}

/** --waitForEventTimeout in ms, refused before anything is sent when it is no duration. */
export function waitTimeoutOf(flags: OrderingFlags): number {
  const timeoutMs = parseDuration(flags.waitForEventTimeout);
  if (timeoutMs === undefined) throw new CliError('BAD_INPUT', `invalid --waitForEventTimeout ${flags.waitForEventTimeout}: expected a duration such as 30s`);
  return timeoutMs;
}

/**
 * Broadcasts the endorsed transaction (every peer's endorsement in it) to the ordering service,
 * then waits on each endorsing peer's DeliverFiltered for its commit, each opened before the
 * broadcast so that it cannot be missed. Resolves where the first peer committed it; a
 * transaction not VALID at any peer throws with its validation code.
 */
export async function order(env: NodeJS.ProcessEnv, endorsed: Endorsed, channelId: string, flags: OrderingFlags): Promise<CommitStatus> {
  const status = await submit(env, endorsed, channelId, flags, { wait: true });
  if (status === undefined) throw new ClientError('CALL_FAILED', `transaction ${endorsed.txId} was sent but its commit was not awaited`);
  return status;
}

/**
 * `order`, waiting for the commit only when `wait` (the lifecycle commands' --waitForEvent); with
 * `logging`, each peer's commit is logged as Fabric's CLI logs it.
 */
export async function submit(
  env: NodeJS.ProcessEnv,
  endorsed: Endorsed,
  channelId: string,
  flags: OrderingFlags,
  opts: { wait: boolean; logging?: Logging },
): Promise<CommitStatus | undefined> {
  const timeoutMs = waitTimeoutOf(flags);
  const { context } = endorsed;
  const envelope = createTransactionEnvelope(endorsed.signed, endorsed.replies, context.signer);
  const target = await ordererTarget(env, context, flags);
  const watched = opts.wait ? endorsed.peers : [];
  const delivers = await Promise.all(watched.map((peer) => DeliverClient.connect(peer.address, { service: 'peer', signer: context.signer, tls: peer.tls })));
  try {
    const waiters = await Promise.all(delivers.map((deliver) => CommitWaiter.open(deliver, { channelId, timeoutMs })));
    let reply: BroadcastResponse;
    try {
      const client = await BroadcastClient.connect(target.address, target.tls);
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
    const logger = opts.logging?.logger('chaincodeCmd');
    const statuses = await Promise.all(
      waiters.map(async (waiter, i) => {
        const status = await waiter.wait(endorsed.txId);
        logger?.info('ClientWait', `txid [${endorsed.txId}] committed with status (${status.validationCodeName}) at ${watched[i]?.address ?? ''}`);
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
