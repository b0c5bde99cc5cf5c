import type { Command } from 'commander';
import { BroadcastClient } from '../client/broadcast-client.js';
import { CommitWaiter, type CommitStatus } from '../client/commit-waiter.js';
import { DeliverClient } from '../client/deliver-client.js';
import { parseDuration } from '../common/config/duration.js';
import { readChaincodePackage } from '../client/chaincode-package.js';
import { readCollectionConfigFile } from '../client/collection-config-file.js';
import { ClientError } from '../client/client-error.js';
import { EndorserClient } from '../client/endorser-client.js';
import { createSignedProposal } from '../client/signed-proposal.js';
import { createTransactionEnvelope } from '../client/transaction-envelope.js';
import { TxValidationCode, type BroadcastResponse } from '../common/protos/orderer.js';
import { ChaincodeDeploymentSpec, ChaincodeEvent, ChaincodeID, ChaincodeInput, ChaincodeSpec, type Response } from '../common/protos/peer.js';
import { ChaincodeAction, HeaderType, ProposalResponsePayload, type HeaderTypeValue, type ProposalResponse } from '../common/protos/proposal.js';
import { ChaincodeQueryResponse } from '../common/protos/query.js';
import { parseSignaturePolicy } from '../policies/signature-policy-dsl.js';
import { CliError } from './cli-error.js';
import { writeDevCredentials } from './dev-credentials.js';
import { clientContext, ordererTarget, type ClientContext } from './peer-call.js';

const LANGUAGES: Record<string, number> = { golang: 1, node: 2, car: 3, java: 4 };
// common.Status.SUCCESS: the orderer took the transaction.
const SUCCESS = 200;
const text = (s: string): Buffer => Buffer.from(s);

/** `-P`: the SignaturePolicyEnvelope lscc records, refused as Fabric's CLI refuses a policy it cannot parse. */
function endorsementPolicyArg(policy: string): Uint8Array {
  try {
    return parseSignaturePolicy(policy).serializeBinary();
  } catch (err) {
    throw new CliError('BAD_INPUT', `invalid policy ${policy}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** `-c '{"Args":["fn","a"]}'` (or `{"Function":"fn","Args":[...]}`), as Fabric's CLI reads it. */
export function parseCtor(json: string): Uint8Array[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new CliError('BAD_INPUT', `chaincode argument error: ${err instanceof Error ? err.message : String(err)} in ${json}`);
  }
  const obj = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const field = (name: string): unknown => obj[Object.keys(obj).find((k) => k.toLowerCase() === name) ?? ''];
  const args = field('args');
  const fn = field('function');
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
    throw new CliError('BAD_INPUT', `chaincode argument error: expected {"Args":["function","arg",...]}, got ${json}`);
  }
  return [...(typeof fn === 'string' ? [fn] : []), ...args].map(text);
}

// Standard base64, padded, as Go's encoding/json decodes []byte.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `--transient '{"key":"<base64>"}'`, as Fabric's CLI reads it. */
export function parseTransient(json: string | undefined): Map<string, Uint8Array> | undefined {
  if (json === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new CliError('BAD_INPUT', `error parsing transient string: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError('BAD_INPUT', `error parsing transient string: expected an object of base64 values, got ${json}`);
  }
  const map = new Map<string, Uint8Array>();
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new CliError('BAD_INPUT', `error parsing transient string: the value of ${key} is not a base64 string`);
    // Node's decoder skips what is not base64, so a value typed in plain text would reach the
    // chaincode as other bytes: it is refused, as Fabric's CLI (Go's base64) refuses it.
    if (!BASE64.test(value)) throw new CliError('BAD_INPUT', `error parsing transient string: the value of ${key} is not base64: ${JSON.stringify(value)}`);
    map.set(key, Buffer.from(value, 'base64'));
  }
  return map;
}

/** Fabric's text form of a Response, as `peer chaincode invoke` prints it. */
export function responseText(response: Response): string {
  const parts = [`status:${response.getStatus()}`];
  if (response.getMessage() !== '') parts.push(`message:${JSON.stringify(response.getMessage())}`);
  const payload = response.getPayload_asU8();
  if (payload.length > 0) parts.push(`payload:${JSON.stringify(Buffer.from(payload).toString('utf8'))}`);
  return parts.join(' ');
}

async function endorse(
  env: NodeJS.ProcessEnv,
  req: { channelId: string; chaincodeName: string; args: Uint8Array[]; headerType?: HeaderTypeValue; transient?: Map<string, Uint8Array> | undefined },
): Promise<{ signed: ReturnType<typeof createSignedProposal>['signed']; txId: string; reply: ProposalResponse; context: ClientContext }> {
  const context = await clientContext(env);
  const client = await EndorserClient.connect(context.address, context.tls);
  try {
    const { signed, txId } = createSignedProposal({ headerType: HeaderType.ENDORSER_TRANSACTION, signer: context.signer, ...req });
    return { signed, txId, reply: await client.send(signed), context };
  } finally {
    client.close();
  }
}

/** Where an endorsed transaction goes, and how long the CLI waits for its commit (the CLI's -o, --waitForEventTimeout). */
interface OrderingFlags {
  orderer?: string;
  ordererTLSHostnameOverride?: string;
  waitForEvent?: boolean;
  waitForEventTimeout: string;
}

function addOrderingFlags(command: Command): Command {
  return command
    .option('-o, --orderer <address>', "ordering service endpoint (default: the peer's address, where its embedded orderer answers)")
    .option('--ordererTLSHostnameOverride <host>', 'the host name the ordering service\'s TLS certificate carries, when it is not the one dialled')
    .option('--waitForEvent', 'wait for the transaction to be committed on the peer (Weft always does: a transaction that is not VALID fails the command)')
    .option('--waitForEventTimeout <duration>', 'how long to wait for the transaction to be committed', '30s');
}

/** --waitForEventTimeout in ms, refused before anything is sent when it is no duration. */
function waitTimeoutOf(flags: OrderingFlags): number {
  const timeoutMs = parseDuration(flags.waitForEventTimeout);
  if (timeoutMs === undefined) throw new CliError('BAD_INPUT', `invalid --waitForEventTimeout ${flags.waitForEventTimeout}: expected a duration such as 30s`);
  return timeoutMs;
}

/**
 * Broadcasts the endorsed transaction to the ordering service, then waits on the peer's
 * DeliverFiltered for its commit, opened before the broadcast so that it cannot be missed.
 * Resolves where it was committed; a transaction not VALID throws with its validation code.
 */
async function order(env: NodeJS.ProcessEnv, endorsed: Awaited<ReturnType<typeof endorse>>, channelId: string, flags: OrderingFlags): Promise<CommitStatus> {
  const timeoutMs = waitTimeoutOf(flags);
  const { context } = endorsed;
  const target = await ordererTarget(env, context, flags);
  const deliver = await DeliverClient.connect(context.address, { service: 'peer', signer: context.signer, tls: context.tls });
  try {
    const waiter = await CommitWaiter.open(deliver, { channelId, timeoutMs });
    let reply: BroadcastResponse;
    try {
      const client = await BroadcastClient.connect(target.address, target.tls);
      try {
        reply = await client.send(createTransactionEnvelope(endorsed.signed, endorsed.reply, context.signer));
      } finally {
        client.close();
      }
    } catch (err) {
      waiter.close();
      throw err;
    }
    if (reply.getStatus() !== SUCCESS) {
      waiter.close();
      throw new ClientError('BROADCAST_REFUSED', `could not send transaction: status ${reply.getStatus()}: ${reply.getInfo()}`);
    }
    const status = await waiter.wait(endorsed.txId);
    if (status.validationCode !== TxValidationCode.VALID) {
      throw new ClientError('TX_INVALIDATED', `transaction ${endorsed.txId} invalidated with status (${status.validationCodeName}) in block ${status.blockNumber}`);
    }
    return status;
  } finally {
    deliver.close();
  }
}

/** The event the chaincode set in the endorsed transaction, if any: the payload is whole here, unlike in a filtered block. */
function chaincodeEventOf(reply: ProposalResponse): ChaincodeEvent | undefined {
  const action = ChaincodeAction.deserializeBinary(ProposalResponsePayload.deserializeBinary(reply.getPayload_asU8()).getExtension_asU8());
  const bytes = action.getEvents_asU8();
  if (bytes.length === 0) return undefined;
  const event = ChaincodeEvent.deserializeBinary(bytes);
  return event.getEventName() === '' ? undefined : event;
}

function okResponse(reply: ProposalResponse, what: string): Response {
  const response = reply.getResponse();
  if (response === undefined || response.getStatus() >= 400) {
    throw new ClientError('PROPOSAL_FAILED', `endorsement failure during ${what}. response: ${response === undefined ? 'none' : responseText(response)}`);
  }
  return response;
}

function deploymentSpec(name: string, version: string, language: string, args: Uint8Array[], codePackage?: Uint8Array): ChaincodeDeploymentSpec {
  const type = LANGUAGES[language.toLowerCase()];
  if (type === undefined) throw new CliError('BAD_INPUT', `unknown chaincode language ${language} (node, golang, java)`);
  const id = new ChaincodeID();
  id.setName(name);
  id.setVersion(version);
  const input = new ChaincodeInput();
  input.setArgsList(args);
  const spec = new ChaincodeSpec();
  spec.setType(type as 2);
  spec.setChaincodeId(id);
  spec.setInput(input);
  const cds = new ChaincodeDeploymentSpec();
  cds.setChaincodeSpec(spec);
  if (codePackage !== undefined) cds.setCodePackage(codePackage);
  return cds;
}

/** `weft chaincode ...`: the legacy lifecycle and invocation commands of `peer chaincode`. */
export function addChaincodeCommands(program: Command, env: NodeJS.ProcessEnv): void {
  const chaincode = program.command('chaincode').description('Operate a chaincode: install|instantiate|upgrade|invoke|query|list|dev-credentials');

  chaincode
    .command('install')
    .description('Install a chaincode package (a folder or a .tar.gz) on the peer.')
    .argument('[package]', 'the chaincode folder or .tar.gz')
    .option('-p, --path <path>', 'the chaincode folder or .tar.gz (instead of the argument)')
    .requiredOption('-n, --name <name>', 'name of the chaincode')
    .requiredOption('-v, --version <version>', 'version of the chaincode')
    .option('-l, --lang <language>', 'language the chaincode is written in', 'node')
    .action(async (pkg: string | undefined, opts: { path?: string; name: string; version: string; lang: string }) => {
      const path = pkg ?? opts.path;
      if (path === undefined) throw new CliError('BAD_INPUT', 'give the chaincode folder or .tar.gz to install');
      const cds = deploymentSpec(opts.name, opts.version, opts.lang, [], await readChaincodePackage(path));
      const { reply } = await endorse(env, { channelId: '', chaincodeName: 'lscc', args: [text('install'), cds.serializeBinary()] });
      const response = okResponse(reply, 'install');
      process.stdout.write(`Installed remotely response:<${responseText(response)} >\n`);
    });

  // instantiate and upgrade: lscc's deploy and upgrade, the new version's Init run in the same transaction.
  for (const [command, fn, description, done] of [
    ['instantiate', 'deploy', 'Deploy the installed chaincode on a channel and run its Init.', 'instantiated'],
    ['upgrade', 'upgrade', 'Move the chaincode on a channel to another installed version and run its Init.', 'upgraded'],
  ] as const) {
    const cmd = chaincode
      .command(command)
      .description(description)
      .requiredOption('-C, --channelID <channel>', 'the channel')
      .requiredOption('-n, --name <name>', 'name of the chaincode')
      .requiredOption('-v, --version <version>', 'version of the chaincode')
      .option('-c, --ctor <json>', 'constructor message for the chaincode in JSON format', '{"Args":[]}')
      .option('-l, --lang <language>', 'language the chaincode is written in', 'node')
      .option('--collections-config <file>', "the chaincode's private data collections, a JSON file")
      .option('-P, --policy <policy>', "the chaincode's endorsement policy, e.g. \"AND('Org1MSP.peer','Org2MSP.peer')\" (default: a member of any channel organisation)");
    addOrderingFlags(cmd).action(async (opts: OrderingFlags & { channelID: string; name: string; version: string; ctor: string; lang: string; collectionsConfig?: string; policy?: string }) => {
        waitTimeoutOf(opts);
        const cds = deploymentSpec(opts.name, opts.version, opts.lang, parseCtor(opts.ctor));
        const policy = opts.policy === undefined ? new Uint8Array() : endorsementPolicyArg(opts.policy);
        const args = [text(fn), text(opts.channelID), cds.serializeBinary(), policy, text('escc'), text('vscc')];
        if (opts.collectionsConfig !== undefined) args.push(await readCollectionConfigFile(opts.collectionsConfig));
        const endorsed = await endorse(env, { channelId: opts.channelID, chaincodeName: 'lscc', args });
        okResponse(endorsed.reply, command);
        const committed = await order(env, endorsed, opts.channelID, opts);
        process.stdout.write(`Chaincode ${opts.name}:${opts.version} ${done} on channel ${opts.channelID} (txid ${endorsed.txId}, ${committed.validationCodeName} in block ${committed.blockNumber})\n`);
      });
  }

  const invoke = chaincode
    .command('invoke')
    .description('Invoke the chaincode: endorse, then order and commit the transaction.')
    .requiredOption('-C, --channelID <channel>', 'the channel')
    .requiredOption('-n, --name <name>', 'name of the chaincode')
    .requiredOption('-c, --ctor <json>', 'the call in JSON format: {"Args":["function","arg"]}')
    .option('--transient <json>', 'private inputs, in JSON format: {"key":"<base64 value>"}');
  addOrderingFlags(invoke).action(async (opts: OrderingFlags & { channelID: string; name: string; ctor: string; transient?: string }) => {
      waitTimeoutOf(opts);
      const endorsed = await endorse(env, {
        channelId: opts.channelID,
        chaincodeName: opts.name,
        args: parseCtor(opts.ctor),
        transient: parseTransient(opts.transient),
      });
      const response = okResponse(endorsed.reply, 'invoke');
      const committed = await order(env, endorsed, opts.channelID, opts);
      process.stdout.write(`Chaincode invoke successful. result: ${responseText(response)}\n`);
      const event = chaincodeEventOf(endorsed.reply);
      if (event !== undefined) {
        const payload = Buffer.from(event.getPayload_asU8()).toString('utf8');
        process.stdout.write(`Chaincode event ${JSON.stringify(event.getEventName())} of ${event.getChaincodeId()} in block ${committed.blockNumber}: ${JSON.stringify(payload)}\n`);
      }
    });

  chaincode
    .command('query')
    .description('Query the chaincode: endorse only; nothing is committed.')
    .requiredOption('-C, --channelID <channel>', 'the channel')
    .requiredOption('-n, --name <name>', 'name of the chaincode')
    .requiredOption('-c, --ctor <json>', 'the call in JSON format: {"Args":["function","arg"]}')
    .option('--transient <json>', 'private inputs, in JSON format: {"key":"<base64 value>"}')
    .action(async (opts: { channelID: string; name: string; ctor: string; transient?: string }) => {
      const { reply } = await endorse(env, {
        channelId: opts.channelID,
        chaincodeName: opts.name,
        args: parseCtor(opts.ctor),
        transient: parseTransient(opts.transient),
      });
      process.stdout.write(`${Buffer.from(okResponse(reply, 'query').getPayload_asU8()).toString('utf8')}\n`);
    });

  chaincode
    .command('list')
    .description('List the chaincodes installed on the peer, or instantiated on a channel.')
    .option('--installed', 'the chaincodes installed on the peer')
    .option('--instantiated', 'the chaincodes instantiated on the channel given with -C')
    .option('-C, --channelID <channel>', 'the channel')
    .action(async (opts: { installed?: boolean; instantiated?: boolean; channelID?: string }) => {
      if (opts.installed === opts.instantiated) throw new CliError('BAD_INPUT', 'give one of --installed or --instantiated');
      if (opts.instantiated === true && opts.channelID === undefined) throw new CliError('BAD_INPUT', 'the channel ID (-C) is needed with --instantiated');
      const { reply } = await endorse(env, {
        channelId: opts.installed === true ? '' : (opts.channelID ?? ''),
        chaincodeName: 'lscc',
        args: [text(opts.installed === true ? 'getinstalledchaincodes' : 'getchaincodes')],
      });
      const list = ChaincodeQueryResponse.deserializeBinary(okResponse(reply, 'list').getPayload_asU8()).getChaincodesList();
      const title = opts.installed === true ? 'Get installed chaincodes on peer:' : `Get instantiated chaincodes on channel ${opts.channelID ?? ''}:`;
      process.stdout.write(`${title}\n${list.map((c) => `Name: ${c.getName()}, Version: ${c.getVersion()}\n`).join('')}`);
    });

  chaincode
    .command('dev-credentials')
    .description("Issue TLS credentials from the peer's chaincode CA for a chaincode started by hand (dev mode with TLS).")
    .argument('<chaincode>', 'the chaincode as name:version')
    .requiredOption('-o, --output <dir>', 'folder to write client.key, client.crt and peer.crt to')
    .action(async (chaincodeId: string, opts: { output: string }) => {
      const lines = await writeDevCredentials({ chaincodeId, outDir: opts.output, env });
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
