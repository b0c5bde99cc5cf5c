import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { readPemFile } from '../common/config/pem-file.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { Block, Envelope, Payload } from '../common/protos/common.js';
import { ChannelHeader } from '../common/protos/proposal.js';
import { OsnadminClient, type AdminReply } from '../client/osnadmin-client.js';
import { CliError } from './cli-error.js';

interface ConnectionOpts {
  ordererAddress: string;
  caFile?: string;
  clientCert?: string;
  clientKey?: string;
  status: boolean;
}

/**
 * `weft osnadmin channel join|list|remove`: Fabric's osnadmin, against an orderer's admin endpoint.
 * Prints as osnadmin does: `Status: <code>` and the JSON body indented with tabs; exit 0 whatever
 * the status, 1 when the call itself failed.
 */
export function addOsnadminCommands(program: Command): void {
  const osnadmin = program.command('osnadmin').description('Orderer Service Node (OSN) administration');
  const channel = osnadmin.command('channel').description('Channel actions');

  withConnectionFlags(
    channel.command('join').description('Join an Ordering Service Node (OSN) to a channel. If the channel does not yet exist, it will be created.'),
  )
    .requiredOption('-c, --channelID <channel>', 'Channel ID')
    .requiredOption('-b, --config-block <file>', 'Path to the file containing an up-to-date config block for the channel')
    .action(async (opts: ConnectionOpts & { channelID: string; configBlock: string }) => {
      const client = await clientOf(opts);
      const block = await readConfigBlock(opts.configBlock, opts.channelID);
      await run(opts, () => client.join(block));
    });

  withConnectionFlags(
    channel
      .command('list')
      .description('List channel information for an Ordering Service Node (OSN). If the channelID flag is set, more detailed information will be provided for that channel.'),
  )
    .option('-c, --channelID <channel>', 'Channel ID')
    .action(async (opts: ConnectionOpts & { channelID?: string }) => {
      const client = await clientOf(opts);
      await run(opts, () => client.list(opts.channelID));
    });

  withConnectionFlags(channel.command('remove').description('Remove a channel from an Ordering Service Node (OSN).'))
    .requiredOption('-c, --channelID <channel>', 'Channel ID')
    .action(async (opts: ConnectionOpts & { channelID: string }) => {
      const client = await clientOf(opts);
      await run(opts, () => client.remove(opts.channelID));
    });
}

function withConnectionFlags(command: Command): Command {
  return command
    .requiredOption('-o, --orderer-address <host:port>', 'Admin endpoint of the OSN')
    .option('--ca-file <file>', 'Path to file containing PEM-encoded TLS CA certificate(s) for the OSN')
    .option('--client-cert <file>', 'Path to file containing PEM-encoded X509 public key to use for mutual TLS communication with the OSN')
    .option('--client-key <file>', 'Path to file containing PEM-encoded private key to use for mutual TLS communication with the OSN')
    .addOption(new Option('--no-status', 'Remove the HTTP status message from the command output'));
}

/** http:// without --ca-file; https:// with it, and the client's pair for mutual TLS when given. */
async function clientOf(opts: ConnectionOpts): Promise<OsnadminClient> {
  if (opts.caFile === undefined) return new OsnadminClient(opts.ordererAddress);
  // Checked here, so that a file that is not what its flag says is named, rather than refused by
  // TLS later with an OpenSSL error that names neither the file nor the flag.
  const rootCertPem = await readPemFile('--ca-file', opts.caFile, 'certificate');
  if ((opts.clientCert === undefined) !== (opts.clientKey === undefined)) {
    throw new CliError('BAD_INPUT', 'loading client cert/key pair: --client-cert and --client-key go together');
  }
  const clientCertPem = opts.clientCert === undefined ? undefined : await readPemFile('--client-cert', opts.clientCert, 'certificate');
  const clientKeyPem = opts.clientKey === undefined ? undefined : await readPemFile('--client-key', opts.clientKey, 'private key');
  return new OsnadminClient(opts.ordererAddress, { rootCertPem, clientCertPem, clientKeyPem });
}

async function readInput(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new CliError('BAD_INPUT', `${what}: ${errorMessage(err)}`, { cause: err });
  }
}

/** The block's bytes, once it is found to be for the channel named: a quick check that the admin joins what they think. */
async function readConfigBlock(file: string, channelId: string): Promise<Buffer> {
  const bytes = await readInput(file, 'reading config block');
  let blockChannel: string;
  try {
    const block = Block.deserializeBinary(bytes);
    const envelope = Envelope.deserializeBinary(block.getData()?.getDataList_asU8()[0] ?? new Uint8Array());
    const header = Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader();
    blockChannel = header === undefined ? '' : ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()).getChannelId();
  } catch (err) {
    throw new CliError('BAD_INPUT', `unmarshalling block: ${errorMessage(err)}`, { cause: err });
  }
  if (blockChannel !== channelId) {
    throw new CliError('BAD_INPUT', `specified --channelID ${channelId} does not match channel ID ${blockChannel} in config block`);
  }
  return bytes;
}

/** Makes the call and prints as osnadmin does; a failed call prints `Error: ...` on stdout and exits 1. */
async function run(opts: ConnectionOpts, call: () => Promise<AdminReply>): Promise<void> {
  let reply: AdminReply;
  try {
    reply = await call();
  } catch (err) {
    process.stdout.write(`Error: ${errorMessage(err)}\n\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`${osnadminOutput(opts.status, reply)}\n`);
}

/** osnadmin's output: `Status: N` and the body indented with tabs (its trailing newline kept), as Go's json.Indent writes it. */
export function osnadminOutput(showStatus: boolean, reply: AdminReply): string {
  let out = showStatus ? `Status: ${String(reply.status)}\n` : '';
  const text = reply.body.toString('utf8');
  if (text.length === 0) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return out + text;
  }
  out += JSON.stringify(parsed, null, '\t');
  return out + (/\s*$/.exec(text)?.[0] ?? '');
}
