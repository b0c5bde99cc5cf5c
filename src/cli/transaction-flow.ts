import type { Command } from 'commander';
import type { ClientContext } from '../client/client-context.js';
import { ClientError } from '../client/client-error.js';
import type { CommitStatus } from '../client/commit-waiter.js';
import { submitEndorsed, type Endorsed, type EndorsingPeer } from '../client/transaction-submission.js';
import { parseDuration } from '../common/config/duration.js';
import { readPemFile } from '../common/config/pem-file.js';
import type { Logging } from '../common/logging/logging.js';
import { CliError } from './cli-error.js';
import { ordererTarget } from './peer-call.js';


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

/** submitEndorsed to the CLI's ordering service (-o, else the peer), always waiting for the commit. */
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
  const orderer = await ordererTarget(env, endorsed.context, flags);
  return submitEndorsed(endorsed, { channelId, orderer, timeoutMs, wait: opts.wait, logger: opts.logging?.logger('chaincodeCmd') });
}
