import { CliError } from './cli-error.js';

/**
 * The connection flags of Fabric's CLI, which its users put anywhere after the subcommand
 * (`peer chaincode invoke ... --tls --cafile ca.crt`): each is the CORE_* setting it stands for,
 * so that the flag and the variable are one setting, as in Fabric. `--cafile` is the ordering
 * service's CA, as in Fabric (ORDERER_CA below); it is also the peer's root when
 * CORE_PEER_TLS_ROOTCERT_FILE is not set, since Weft's peer and embedded orderer share one CA.
 */
const FLAGS: ReadonlyMap<string, { env: string; value: boolean }> = new Map([
  ['--tls', { env: 'CORE_PEER_TLS_ENABLED', value: false }],
  ['--cafile', { env: 'CORE_PEER_TLS_ROOTCERT_FILE', value: true }],
  ['--clientauth', { env: 'CORE_PEER_TLS_CLIENTAUTHREQUIRED', value: false }],
  ['--certfile', { env: 'CORE_PEER_TLS_CLIENTCERT_FILE', value: true }],
  ['--keyfile', { env: 'CORE_PEER_TLS_CLIENTKEY_FILE', value: true }],
]);

/**
 * Commands whose --cafile, --certfile and --keyfile are flags of their own: `weft trace` reaches
 * the peer's operations service, whose TLS is not the peer's (CORE_PEER_TLS_*).
 */
const OWN_TLS_FLAGS: ReadonlySet<string> = new Set(['trace']);

/** Where the CLI keeps --cafile for the commands that send to an ordering service. */
export const ORDERER_CA = 'WEFT_CLI_ORDERER_CAFILE';

/** Takes the connection flags out of `argv`; resolves the rest, and the environment with them applied. */
export function extractConnectionFlags(argv: readonly string[], env: NodeJS.ProcessEnv): { argv: string[]; env: NodeJS.ProcessEnv } {
  if (OWN_TLS_FLAGS.has(argv[2] ?? '')) return { argv: [...argv], env: { ...env } };
  return extractFlags(argv, env);
}

function extractFlags(argv: readonly string[], env: NodeJS.ProcessEnv): { argv: string[]; env: NodeJS.ProcessEnv } {
  const rest: string[] = [];
  const out: NodeJS.ProcessEnv = { ...env };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name = '', inline] = arg.startsWith('--') ? arg.split(/=(.*)/s, 2) : [arg];
    const flag = FLAGS.get(name);
    if (flag === undefined || i < 2) {
      rest.push(arg);
      continue;
    }
    if (!flag.value) {
      out[flag.env] = inline ?? 'true';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new CliError('BAD_INPUT', `flag needs an argument: ${name}`);
    if (name === '--cafile') {
      out[ORDERER_CA] = value;
      if ((env[flag.env] ?? '') !== '') continue;
    }
    out[flag.env] = value;
  }
  return { argv: rest, env: out };
}
