import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { packChaincodeSource } from '../client/chaincode-source-package.js';
import { ClientError } from '../client/client-error.js';
import { checkLabel, packageIdOf, parseInstallPackage, writeInstallPackage } from '../chaincode/persistence/chaincode-install-package.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { systemErrorReason } from '../common/errors/system-error.js';
import { Logging } from '../common/logging/logging.js';
import {
  GetInstalledChaincodePackageArgs,
  GetInstalledChaincodePackageResult,
  InstallChaincodeArgs,
  InstallChaincodeResult,
  QueryApprovedChaincodeDefinitionArgs,
  QueryApprovedChaincodeDefinitionResult,
  QueryChaincodeDefinitionArgs,
  QueryChaincodeDefinitionResult,
  QueryChaincodeDefinitionsArgs,
  QueryChaincodeDefinitionsResult,
  QueryInstalledChaincodesArgs,
  QueryInstalledChaincodesResult,
  CheckCommitReadinessResult,
} from '../common/protos/lifecycle.js';
import type { ProposalResponse } from '../common/protos/proposal.js';
import { CliError } from './cli-error.js';
import { approveArgs, checkCommitReadinessArgs, commitArgs, type ChaincodeDefinitionInput } from '../client/lifecycle-args.js';
import { definitionFromFlags, parseSequence, requireParameter, type DefinitionFlags } from './lifecycle-definition.js';
import {
  approvedDefinitionJson,
  approvedDefinitionText,
  commitReadinessJson,
  commitReadinessText,
  committedDefinitionJson,
  committedDefinitionsJson,
  committedDefinitionsText,
  committedDefinitionText,
  installedChaincodesJson,
  installedChaincodesText,
  packageIdJson,
} from './lifecycle-output.js';
import { writeOutputFile } from './output-file.js';
import { clientContext } from './peer-call.js';
import { endorse, type Endorsed } from '../client/transaction-submission.js';
import { addOrderingFlags, addPeerFlags, endorsingPeers, submit, waitTimeoutOf, type OrderingFlags, type PeerFlags } from './transaction-flow.js';

const LIFECYCLE = '_lifecycle';
// common.Status.SUCCESS: Fabric's CLI takes nothing else from _lifecycle as success.
const SUCCESS = 200;
const text = (s: string): Buffer => Buffer.from(s);
const isJson = (output: string | undefined): boolean => output?.toLowerCase() === 'json';

/** How a refusal from `_lifecycle` reads, per command, in Fabric's words. */
type FailureWords = 'chaincode install failed' | 'query failed' | 'proposal failed';

/** The response of one peer, refused in Fabric's words unless its status is SUCCESS. */
function successfulResponse(reply: ProposalResponse, words: FailureWords): Uint8Array {
  const response = reply.getResponse();
  if (response === undefined) throw new ClientError('PROPOSAL_FAILED', `${words}: received proposal response with nil response`);
  if (response.getStatus() !== SUCCESS) {
    throw new ClientError('PROPOSAL_FAILED', `${words} with status: ${response.getStatus()} - ${response.getMessage()}`);
  }
  return response.getPayload_asU8();
}

/** One `_lifecycle` function, endorsed at every peer of the command (one, unless `multiple`), every answer a success. */
async function callLifecycle(
  env: NodeJS.ProcessEnv,
  call: { command: string; channelId: string; fn: string; args: Uint8Array; peers: PeerFlags; multiple?: boolean; words: FailureWords },
): Promise<{ payload: Uint8Array; endorsed: Endorsed }> {
  const context = await clientContext(env);
  const peers = await endorsingPeers(context, call.peers, { command: call.command, multiple: call.multiple === true });
  const endorsed = await endorse(context, peers, { channelId: call.channelId, chaincodeName: LIFECYCLE, args: [text(call.fn), call.args] });
  const [payload] = endorsed.replies.map((reply) => successfulResponse(reply, call.words));
  if (payload === undefined) throw new ClientError('PROPOSAL_FAILED', 'no proposal responses received');
  return { payload, endorsed };
}

function cliLogging(env: NodeJS.ProcessEnv): Logging {
  return new Logging({ spec: env.FABRIC_LOGGING_SPEC ?? '' });
}

/** The definition flags of approveformyorg, checkcommitreadiness and commit. */
function addDefinitionFlags(command: Command): Command {
  return command
    .option('-C, --channelID <channel>', 'the channel on which this command should be executed')
    .option('-n, --name <name>', 'name of the chaincode')
    .option('-v, --version <version>', 'version of the chaincode')
    .option('--sequence <n>', 'the sequence number of the chaincode definition for the channel')
    .option('-E, --endorsement-plugin <name>', 'the name of the endorsement plugin to be used for this chaincode')
    .option('-V, --validation-plugin <name>', 'the name of the validation plugin to be used for this chaincode')
    .option('--signature-policy <policy>', "the endorsement policy associated to this chaincode specified as a signature policy, e.g. \"AND('Org1MSP.peer','Org2MSP.peer')\"")
    .option('--channel-config-policy <path>', 'the endorsement policy associated to this chaincode specified as a channel config policy reference, e.g. /Channel/Application/Endorsement')
    .option('--init-required', "whether the chaincode requires invoking 'init'")
    .option('--collections-config <file>', 'the collections configuration, a JSON file');
}

const OUTPUT_HELP = 'the output format for query results: json, or (by default) human-readable plain text';

/** approveformyorg and commit: endorse the definition at the peers, order it, wait for its commit. */
async function submitDefinition(
  env: NodeJS.ProcessEnv,
  command: 'approveformyorg' | 'commit',
  flags: DefinitionFlags & PeerFlags & OrderingFlags,
): Promise<void> {
  const def = await definitionFromFlags(flags);
  waitTimeoutOf(flags);
  const isApprove = command === 'approveformyorg';
  const { endorsed } = await callLifecycle(env, {
    command,
    channelId: def.channelId,
    fn: isApprove ? 'ApproveChaincodeDefinitionForMyOrg' : 'CommitChaincodeDefinition',
    args: (isApprove ? approveArgs(def) : commitArgs(def)).serializeBinary(),
    peers: flags,
    multiple: true,
    words: 'proposal failed',
  });
  await submit(env, endorsed, def.channelId, flags, { wait: flags.waitForEvent !== false, logging: cliLogging(env) });
}

/** `weft lifecycle chaincode ...`: Fabric 2.x's chaincode lifecycle, as `peer lifecycle chaincode` drives it. */
export function addLifecycleCommands(program: Command, env: NodeJS.ProcessEnv): void {
  const chaincode = program
    .command('lifecycle')
    .description('Perform _lifecycle operations')
    .command('chaincode')
    .description(
      'Perform chaincode operations: package|install|queryinstalled|getinstalledpackage|calculatepackageid|approveformyorg|queryapproved|checkcommitreadiness|commit|querycommitted',
    );

  chaincode
    .command('package')
    .description('Package a chaincode and write the package to a file.')
    .argument('[outputfile...]', 'the package file to write')
    .option('-p, --path <path>', 'path to the chaincode')
    .option('-l, --lang <language>', 'language the chaincode is written in (golang, node, java; or ccaas, or any type an external builder knows: packed as the folder is)', 'golang')
    .option('--label <label>', 'the package label contains a human-readable description of the package')
    .action(async (files: string[], opts: { path?: string; lang: string; label?: string }) => {
      await packageChaincode(files, opts);
    });

  chaincode
    .command('calculatepackageid')
    .description('Calculate the package ID for a packaged chaincode.')
    .argument('[packageFile...]', 'the chaincode install package')
    .option('-O, --output <format>', OUTPUT_HELP)
    .action(async (files: string[], opts: { output?: string }) => {
      if (files.length !== 1) throw new CliError('BAD_INPUT', 'invalid number of args. expected only the packaged chaincode file');
      const file = files[0] ?? '';
      if (file === '') throw new CliError('BAD_INPUT', 'chaincode install package must be provided');
      const packageId = await packageIdOfFile(file);
      process.stdout.write(isJson(opts.output) ? packageIdJson(packageId) : `${packageId}\n`);
    });

  addPeerFlags(
    chaincode
      .command('install')
      .description('Install a chaincode on a peer.')
      .argument('[packageFile]', 'the chaincode install package (made by `weft lifecycle chaincode package`)'),
  ).action(async (file: string | undefined, opts: PeerFlags) => {
    if (file === undefined || file === '') throw new CliError('BAD_INPUT', 'chaincode install package must be provided');
    const installArgs = new InstallChaincodeArgs();
    installArgs.setChaincodeInstallPackage(await readPackageFile(file));
    const { payload } = await callLifecycle(env, {
      command: 'install',
      channelId: '',
      fn: 'InstallChaincode',
      args: installArgs.serializeBinary(),
      peers: opts,
      words: 'chaincode install failed',
    });
    const result = InstallChaincodeResult.deserializeBinary(payload);
    const logger = cliLogging(env).logger('cli.lifecycle.chaincode');
    logger.info('submitInstallProposal', `Installed remotely: response:<status:${SUCCESS} >`);
    logger.info('submitInstallProposal', `Chaincode code package identifier: ${result.getPackageId()}`);
  });

  addPeerFlags(chaincode.command('queryinstalled').description('Query the installed chaincodes on a peer.').option('-O, --output <format>', OUTPUT_HELP)).action(
    async (opts: PeerFlags & { output?: string }) => {
      const { payload } = await callLifecycle(env, {
        command: 'queryinstalled',
        channelId: '',
        fn: 'QueryInstalledChaincodes',
        args: new QueryInstalledChaincodesArgs().serializeBinary(),
        peers: opts,
        words: 'query failed',
      });
      const result = QueryInstalledChaincodesResult.deserializeBinary(payload);
      process.stdout.write(isJson(opts.output) ? installedChaincodesJson(result) : installedChaincodesText(result));
    },
  );

  addPeerFlags(
    chaincode
      .command('getinstalledpackage')
      .description('Get an installed chaincode package from a peer.')
      .option('--package-id <id>', 'the identifier of the chaincode install package')
      .option('--output-directory <dir>', 'the output directory to use when writing a chaincode install package to disk (default: the current working directory)'),
  ).action(async (opts: PeerFlags & { packageId?: string; outputDirectory?: string }) => {
    const packageId = opts.packageId ?? '';
    if (packageId === '') throw new CliError('BAD_INPUT', "The required parameter 'package-id' is empty. Rerun the command with --package-id flag");
    const getArgs = new GetInstalledChaincodePackageArgs();
    getArgs.setPackageId(packageId);
    const { payload } = await callLifecycle(env, {
      command: 'getinstalledpackage',
      channelId: '',
      fn: 'GetInstalledChaincodePackage',
      args: getArgs.serializeBinary(),
      peers: opts,
      words: 'proposal failed',
    });
    const result = GetInstalledChaincodePackageResult.deserializeBinary(payload);
    await writeOutputFile(join(opts.outputDirectory ?? '', `${packageId}.tar.gz`), result.getChaincodeInstallPackage_asU8(), 'the chaincode package');
  });

  for (const [command, description] of [
    ['approveformyorg', 'Approve the chaincode definition for my organization.'],
    ['commit', 'Commit the chaincode definition on the channel.'],
  ] as const) {
    const cmd = addDefinitionFlags(chaincode.command(command).description(description));
    if (command === 'approveformyorg') cmd.option('--package-id <id>', 'the identifier of the chaincode install package');
    addOrderingFlags(addPeerFlags(cmd), { optionalWait: true }).action(async (opts: DefinitionFlags & PeerFlags & OrderingFlags) => {
      await submitDefinition(env, command, opts);
    });
  }

  addPeerFlags(
    chaincode
      .command('queryapproved')
      .description("Query an organization's approved chaincode definition from its peer.")
      .option('-C, --channelID <channel>', 'the channel on which this command should be executed')
      .option('-n, --name <name>', 'name of the chaincode')
      .option('--sequence <n>', 'the sequence number of the chaincode definition (default: the latest approved)')
      .option('-O, --output <format>', OUTPUT_HELP),
  ).action(async (opts: PeerFlags & { channelID?: string; name?: string; sequence?: string; output?: string }) => {
    const sequence = parseSequence(opts.sequence);
    const channelId = opts.channelID ?? '';
    const name = opts.name ?? '';
    requireParameter(channelId, 'channelID', '-C');
    requireParameter(name, 'name', '-n');
    const queryArgs = new QueryApprovedChaincodeDefinitionArgs();
    queryArgs.setName(name);
    queryArgs.setSequence(sequence);
    const { payload } = await callLifecycle(env, {
      command: 'queryapproved',
      channelId,
      fn: 'QueryApprovedChaincodeDefinition',
      args: queryArgs.serializeBinary(),
      peers: opts,
      words: 'query failed',
    });
    const result = QueryApprovedChaincodeDefinitionResult.deserializeBinary(payload);
    process.stdout.write(isJson(opts.output) ? approvedDefinitionJson(result) : approvedDefinitionText(name, channelId, result));
  });

  addPeerFlags(
    addDefinitionFlags(chaincode.command('checkcommitreadiness').description('Check whether a chaincode definition is ready to be committed on a channel.')).option(
      '-O, --output <format>',
      OUTPUT_HELP,
    ),
  ).action(async (opts: DefinitionFlags & PeerFlags & { output?: string }) => {
    const def: ChaincodeDefinitionInput = await definitionFromFlags(opts);
    const { payload } = await callLifecycle(env, {
      command: 'checkcommitreadiness',
      channelId: def.channelId,
      fn: 'CheckCommitReadiness',
      args: checkCommitReadinessArgs(def).serializeBinary(),
      peers: opts,
      words: 'query failed',
    });
    const result = CheckCommitReadinessResult.deserializeBinary(payload);
    process.stdout.write(isJson(opts.output) ? commitReadinessJson(result) : commitReadinessText(def, result));
  });

  addPeerFlags(
    chaincode
      .command('querycommitted')
      .description('Query the committed chaincode definitions by channel on a peer. Optional: provide a chaincode name to query a specific definition.')
      .option('-C, --channelID <channel>', 'the channel on which this command should be executed')
      .option('-n, --name <name>', 'name of the chaincode')
      .option('-O, --output <format>', OUTPUT_HELP),
  ).action(async (opts: PeerFlags & { channelID?: string; name?: string; output?: string }) => {
    const channelId = opts.channelID ?? '';
    const name = opts.name ?? '';
    if (channelId === '') throw new CliError('BAD_INPUT', 'channel name must be specified');
    const one = name !== '';
    let args: Uint8Array;
    if (one) {
      const queryArgs = new QueryChaincodeDefinitionArgs();
      queryArgs.setName(name);
      args = queryArgs.serializeBinary();
    } else {
      args = new QueryChaincodeDefinitionsArgs().serializeBinary();
    }
    const { payload } = await callLifecycle(env, {
      command: 'querycommitted',
      channelId,
      fn: one ? 'QueryChaincodeDefinition' : 'QueryChaincodeDefinitions',
      args,
      peers: opts,
      words: 'query failed',
    });
    const json = isJson(opts.output);
    if (one) {
      const result = QueryChaincodeDefinitionResult.deserializeBinary(payload);
      process.stdout.write(json ? committedDefinitionJson(result) : committedDefinitionText(name, channelId, result));
    } else {
      const result = QueryChaincodeDefinitionsResult.deserializeBinary(payload);
      process.stdout.write(json ? committedDefinitionsJson(result) : committedDefinitionsText(channelId, result));
    }
  });
}

/** `package`: checks the input as Fabric does, in its order, then writes metadata.json and code.tar.gz. */
async function packageChaincode(files: string[], opts: { path?: string; lang: string; label?: string }): Promise<void> {
  if (files.length !== 1) throw new CliError('BAD_INPUT', 'invalid number of args. expected only the output file');
  const outputFile = files[0] ?? '';
  const path = opts.path ?? '';
  const label = opts.label ?? '';
  if (path === '') throw new CliError('BAD_INPUT', 'chaincode path must be specified');
  if (opts.lang === '') throw new CliError('BAD_INPUT', 'chaincode language must be specified');
  if (outputFile === '') throw new CliError('BAD_INPUT', 'output file must be specified');
  if (label === '') throw new CliError('BAD_INPUT', 'package label must be specified');
  checkLabel(label);
  const code = await packChaincodeSource(path, opts.lang);
  const pkg = await writeInstallPackage({ path, type: opts.lang, label }, code);
  await writeOutputFile(outputFile, pkg, 'the chaincode package');
}

async function readPackageFile(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new CliError('BAD_INPUT', `failed to read chaincode package at '${file}': ${systemErrorReason(err)}`, { cause: err });
  }
}

/** The package ID of an install package file, once it is read as one; Fabric's errors otherwise. */
export async function packageIdOfFile(file: string): Promise<string> {
  const bytes = await readPackageFile(file);
  try {
    const { metadata } = await parseInstallPackage(bytes);
    return packageIdOf(metadata.label, bytes);
  } catch (err) {
    const message = errorMessage(err);
    const prefix = 'could not parse as a chaincode install package';
    throw new CliError('BAD_INPUT', message.startsWith(prefix) ? message : `${prefix}: ${message}`, { cause: err });
  }
}
