import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readPemFile } from '../common/config/pem-file.js';
import { systemErrorReason } from '../common/errors/system-error.js';
import { OperationsClient } from '../client/operations-client.js';
import { ClientError } from '../client/client-error.js';
import type { ClientTls } from '../client/client-tls.js';
import { buildConversation, type Conversation } from '../operations/trace/conversation.js';
import { displayText } from '../operations/trace/display-text.js';
import { parseTraceDocument, TraceDocumentError } from '../operations/trace/parse-trace-document.js';
import { renderHtml } from '../operations/trace/render-html.js';
import { renderMermaid } from '../operations/trace/render-mermaid.js';
import { renderSvg } from '../operations/trace/render-svg.js';
import type { TraceFilter } from '../operations/trace/trace-filter.js';
import type { TraceDocument } from '../operations/trace/trace-event.js';
import { CliError } from './cli-error.js';
import { writeOutputFile } from './output-file.js';

/** Fabric's default operations.listenAddress. */
export const DEFAULT_OPERATIONS_ADDRESS = '127.0.0.1:9443';

const FORMATS = ['mermaid', 'svg', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface TraceOpts {
  chaincode?: string;
  txid?: string;
  format: string;
  output?: string;
  input?: string;
  operations?: string;
  cafile?: string;
  certfile?: string;
  keyfile?: string;
}

/**
 * `weft trace`: the recorded conversations between a peer and its chaincodes (GET /trace on its
 * operations service, or a saved copy) as a sequence diagram, in Mermaid, SVG or an HTML page.
 */
export function addTraceCommand(program: Command, env: NodeJS.ProcessEnv): void {
  program
    .command('trace')
    .description('Draw the recorded conversations between the peer and its chaincodes as a sequence diagram')
    .option('--chaincode <name>', "only this chaincode's conversations: its name (mycc) or registered name (mycc:1.0, a package ID)")
    .option('--txid <id>', 'only this transaction: its ID, or the first characters of it the diagram shows')
    .option('--format <format>', `the diagram's format: ${FORMATS.join(', ')}`, 'mermaid')
    .option('-o, --output <file>', 'write the diagram to this file rather than to standard output')
    .option('--input <file>', 'read a saved trace (the JSON GET /trace answers) rather than asking a peer')
    .option('--operations <host:port>', `the peer's operations service (default: CORE_OPERATIONS_LISTENADDRESS, else ${DEFAULT_OPERATIONS_ADDRESS})`)
    .option('--cafile <file>', "PEM CA certificate(s) of the operations service's TLS certificate: https when given")
    .option('--certfile <file>', 'PEM client certificate, for an operations service that requires client authentication')
    .option('--keyfile <file>', "PEM private key of --certfile's certificate")
    .action(async (opts: TraceOpts) => {
      const format = formatOf(opts.format);
      const { document, source } = opts.input === undefined ? await fetchTrace(opts, env) : await readTrace(opts);
      const filter: TraceFilter = { chaincode: opts.chaincode, txid: opts.txid };
      const conversation = buildConversation(document.events, filter);
      if (conversation.events.length === 0) throw new CliError('BAD_INPUT', nothingText(document, filter, source));
      const text = render(format, conversation, titleOf(filter));
      if (opts.output === undefined) process.stdout.write(text);
      else await writeOutputFile(opts.output, Buffer.from(text, 'utf8'), 'the diagram');
    });
}

function formatOf(name: string): Format {
  const format = FORMATS.find((f) => f === name);
  if (format === undefined) throw new CliError('BAD_INPUT', `unknown format "${displayText(name, 40)}": use ${FORMATS.join(', ')}`);
  return format;
}

function render(format: Format, conversation: Conversation, title: string): string {
  switch (format) {
    case 'mermaid':
      return renderMermaid(conversation);
    case 'svg':
      return renderSvg(conversation, title);
    case 'html':
      return renderHtml(conversation, title);
  }
}

function titleOf(filter: TraceFilter): string {
  const parts = [filter.chaincode === undefined ? '' : ` of ${filter.chaincode}`, filter.txid === undefined ? '' : `, txid ${filter.txid}`];
  return `Chaincode conversation${parts.join('')}`;
}

async function readTrace(opts: TraceOpts): Promise<{ document: TraceDocument; source: string }> {
  const file = opts.input ?? '';
  if (opts.operations !== undefined || opts.cafile !== undefined) {
    throw new CliError('BAD_INPUT', '--input reads a saved trace: leave out --operations and --cafile, which are for asking a peer');
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError('BAD_INPUT', `cannot read the trace ${file}: ${systemErrorReason(err)}`, { cause: err });
  }
  try {
    return { document: parseTraceDocument(text), source: file };
  } catch (err) {
    if (!(err instanceof TraceDocumentError)) throw err;
    throw new CliError('BAD_INPUT', `${file} is not a trace document (the JSON of GET /trace): ${err.message}`, { cause: err });
  }
}

async function fetchTrace(opts: TraceOpts, env: NodeJS.ProcessEnv): Promise<{ document: TraceDocument; source: string }> {
  const fromEnv = env.CORE_OPERATIONS_LISTENADDRESS;
  const address = opts.operations ?? (fromEnv === undefined || fromEnv === '' ? DEFAULT_OPERATIONS_ADDRESS : fromEnv);
  if (!/^(\[[0-9a-fA-F:.]+\]|[^:/\s[\]]*):\d{1,5}$/.test(address)) {
    throw new CliError('BAD_INPUT', `--operations ${displayText(address, 80)}: expected host:port, such as ${DEFAULT_OPERATIONS_ADDRESS}`);
  }
  const client = new OperationsClient({ address, tls: await tlsOf(opts) });
  // The whole trace, filtered here rather than with GET /trace's own chaincode and txid
  // parameters: a chaincode filter there would drop the callee's messages of that chaincode's
  // calls, and a txid there must be whole, where here its first characters do.
  const reply = await client.get('/trace');
  const source = `the operations service at ${client.urlOf('').origin}`;
  const body = reply.body.toString('utf8');
  if (reply.status !== 200) {
    throw new ClientError('CALL_FAILED', `${source} answered GET /trace with HTTP ${String(reply.status)}: ${displayText(body.trim(), 200)}`);
  }
  try {
    return { document: parseTraceDocument(body), source };
  } catch (err) {
    if (!(err instanceof TraceDocumentError)) throw err;
    throw new ClientError('CALL_FAILED', `${source} answered GET /trace with something that is not a trace document: ${err.message}`, { cause: err });
  }
}

/** https when --cafile is given, with the client's pair when given too (both or neither). */
async function tlsOf(opts: TraceOpts): Promise<ClientTls | undefined> {
  if ((opts.certfile === undefined) !== (opts.keyfile === undefined)) {
    throw new CliError('BAD_INPUT', '--certfile and --keyfile go together: the client certificate and its key');
  }
  if (opts.cafile === undefined) {
    if (opts.certfile !== undefined) throw new CliError('BAD_INPUT', '--certfile and --keyfile are for TLS: give --cafile too');
    return undefined;
  }
  // Checked here, so that a wrong file is named rather than refused deep inside TLS.
  return {
    rootCertPem: await readPemFile('--cafile', opts.cafile, 'certificate'),
    clientCertPem: opts.certfile === undefined ? undefined : await readPemFile('--certfile', opts.certfile, 'certificate'),
    clientKeyPem: opts.keyfile === undefined ? undefined : await readPemFile('--keyfile', opts.keyfile, 'private key'),
  };
}

/** Why there is nothing to draw: nothing recorded, or nothing the filter keeps (and what there is). */
function nothingText(document: TraceDocument, filter: TraceFilter, source: string): string {
  if (document.events.length === 0) return `nothing recorded in ${source}: no message between the peer and a chaincode yet`;
  const asked = [filter.chaincode === undefined ? '' : `--chaincode ${filter.chaincode}`, filter.txid === undefined ? '' : `--txid ${filter.txid}`];
  const names = [...new Set(document.events.map((event) => event.chaincode))];
  const shown = names.slice(0, 10).map((name) => displayText(name, 64));
  const more = names.length > shown.length ? `, and ${String(names.length - shown.length)} more` : '';
  return (
    `nothing recorded matching ${displayText(asked.filter((a) => a !== '').join(' '), 160)} in ${source} ` +
    `(${String(document.events.length)} messages, of ${shown.join(', ')}${more})`
  );
}
