import type { Command } from 'commander';
import { ClientError } from '../client/client-error.js';
import { ChaincodeDeploymentSpec, ChaincodeEvent, ChaincodeID, ChaincodeInput, ChaincodeSpec, type Response } from '../common/protos/peer.js';
import { ChaincodeAction, ProposalResponsePayload, type ProposalResponse } from '../common/protos/proposal.js';
import { ChaincodeQueryResponse } from '../common/protos/query.js';
import { CliError } from './cli-error.js';
import { clientContext } from './peer-call.js';
import { endorse, type Endorsed } from '../client/transaction-submission.js';
import { addOrderingFlags, addPeerFlags, endorsingPeers, order, waitTimeoutOf, type OrderingFlags, type PeerFlags } from './transaction-flow.js';

const LANGUAGES: Record<string, number> = { golang: 1, node: 2, car: 3, java: 4 };
const text = (s: string): Buffer => Buffer.from(s);

/** `-P`: the SignaturePolicyEnvelope lscc records, refused as Fabric's CLI refuses a policy it cannot parse. */
async function endorsementPolicyArg(policy: string): Promise<Uint8Array> {
  // The lscc commands' parsers load for them only, not for every invoke and query.
  const { parseSignaturePolicy } = await import('../policies/signature-policy-dsl.js');
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

/** Endorses at the CLI's peer, or at each of --peerAddresses where the command takes them. */
async function endorseAt(
  env: NodeJS.ProcessEnv,
  req: { channelId: string; chaincodeName: string; args: Uint8Array[]; transient?: Map<string, Uint8Array> | undefined; isInit?: boolean },
  peers: PeerFlags = {},
): Promise<Endorsed> {
  const context = await clientContext(env);
  return endorse(context, await endorsingPeers(context, peers, { command: 'invoke', multiple: true }), req);
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
      const { readChaincodePackage } = await import('../client/chaincode-package.js');
      const cds = deploymentSpec(opts.name, opts.version, opts.lang, [], await readChaincodePackage(path));
      const { reply } = await endorseAt(env, { channelId: '', chaincodeName: 'lscc', args: [text('install'), cds.serializeBinary()] });
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
        const policy = opts.policy === undefined ? new Uint8Array() : await endorsementPolicyArg(opts.policy);
        const args = [text(fn), text(opts.channelID), cds.serializeBinary(), policy, text('escc'), text('vscc')];
        if (opts.collectionsConfig !== undefined) {
          const { readCollectionConfigFile } = await import('../client/collection-config-file.js');
          args.push(await readCollectionConfigFile(opts.collectionsConfig));
        }
        const endorsed = await endorseAt(env, { channelId: opts.channelID, chaincodeName: 'lscc', args });
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
    .option('--transient <json>', 'private inputs, in JSON format: {"key":"<base64 value>"}')
    .option('-I, --isInit', "call the chaincode's Init: the first invoke of a chaincode whose definition requires it (--init-required)");
  addPeerFlags(invoke);
  addOrderingFlags(invoke).action(async (opts: OrderingFlags & PeerFlags & { channelID: string; name: string; ctor: string; transient?: string; isInit?: boolean }) => {
      waitTimeoutOf(opts);
      const endorsed = await endorseAt(
        env,
        {
          channelId: opts.channelID,
          chaincodeName: opts.name,
          args: parseCtor(opts.ctor),
          transient: parseTransient(opts.transient),
          isInit: opts.isInit === true,
        },
        opts,
      );
      const [response] = endorsed.replies.map((reply) => okResponse(reply, 'invoke'));
      if (response === undefined) throw new ClientError('PROPOSAL_FAILED', 'no proposal responses received');
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
      const { reply } = await endorseAt(env, {
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
      const { reply } = await endorseAt(env, {
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
      // The chaincode CA's x509 code loads for this command only, not for every invoke and query.
      const { writeDevCredentials } = await import('./dev-credentials.js');
      const lines = await writeDevCredentials({ chaincodeId, outDir: opts.output, env });
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
