import { Command } from 'commander';
import { errorMessage } from '../common/errors/weft-error.js';
import type { ModuleImporter } from '../scc/plugin-loader.js';
import { WEFT_VERSION } from '../version.js';
import { extractConnectionFlags } from './connection-flags.js';
import { failureText } from './failure-text.js';

/** What the CLI needs from the script that loads it. */
export interface CliDeps {
  importModule: ModuleImporter;
  /** The folder of the built CLI (dist/), where the scripts it runs as child processes are. */
  dist?: string;
}

type AddCommands = (program: Command, env: NodeJS.ProcessEnv) => void;

/**
 * The client command groups by their first word, each loaded only when asked for: a call loads
 * the modules of its own group (a lifecycle command, no channel configuration code), which is
 * most of a CLI call's start-up.
 */
const CLIENT_GROUPS: ReadonlyArray<readonly [string, () => Promise<AddCommands>]> = [
  [
    'channel',
    async () => {
      const [{ addChannelCommands }, { addSignconfigtxCommand }, { addChannelUpdateCommand }] = await Promise.all([
        import('./channel-commands.js'),
        import('./signconfigtx-command.js'),
        import('./channel-update-command.js'),
      ]);
      return (program, env) => {
        addChannelCommands(program, env);
        addSignconfigtxCommand(program, env);
        addChannelUpdateCommand(program, env);
      };
    },
  ],
  ['chaincode', async () => (await import('./chaincode-commands.js')).addChaincodeCommands],
  ['lifecycle', async () => (await import('./lifecycle-commands.js')).addLifecycleCommands],
  ['configtxgen', async () => (await import('./configtxgen-commands.js')).addConfigtxgenCommands],
  ['crypto', async () => (await import('./crypto-commands.js')).addCryptoCommands],
  ['osnadmin', async () => (await import('./osnadmin-commands.js')).addOsnadminCommands],
  ['trace', async () => (await import('./trace-command.js')).addTraceCommand],
];

/** The groups a call needs: none to run a node; the one it names; every one for help, or for a word that names none (commander then says so). */
function clientGroupsFor(word: string | undefined, withNodes: boolean): typeof CLIENT_GROUPS {
  if (withNodes && (word === 'node' || word === 'orderer' || word === 'dev')) return [];
  const named = CLIENT_GROUPS.filter(([group]) => group === word);
  return named.length > 0 ? named : CLIENT_GROUPS;
}

/** Adds the commands that run a node (the peer, the orderer), which only the full CLI has. */
export type NodeCommands = (program: Command, env: NodeJS.ProcessEnv, deps: CliDeps) => void;

/**
 * Runs the `weft` command line: the client commands, and `nodeCommands` when given. The client
 * commands alone are a separate, smaller bundle (bin/weft.cjs picks it), so that every `weft
 * chaincode ...` or `weft lifecycle ...` call starts in a fraction of the peer's start-up.
 */
export async function runCli(argv: string[], deps: CliDeps, nodeCommands?: NodeCommands): Promise<void> {
  quietTlsServerNameWarning();
  let args: string[];
  let env: NodeJS.ProcessEnv;
  try {
    ({ argv: args, env } = extractConnectionFlags(argv, process.env));
  } catch (err) {
    process.stderr.write(`Error: ${errorMessage(err)}\n`);
    process.exitCode = 1;
    return;
  }
  const program = new Command('weft')
    .description('A Hyperledger Fabric compatible peer')
    .version(WEFT_VERSION, '--version', 'print the version')
    // Options belong to the command they follow: `-v` is a chaincode's version, as in Fabric's CLI.
    .enablePositionalOptions()
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nConnection flags, taken after any command as Fabric\'s CLI takes them: --tls, --cafile <file>, --clientauth,\n' +
        '--certfile <file>, --keyfile <file> (each sets its CORE_PEER_TLS_* variable; `weft trace` has its own, for the\n' +
        "peer's operations service).",
    );
  nodeCommands?.(program, env, deps);
  for (const [, load] of clientGroupsFor(args[2], nodeCommands !== undefined)) (await load())(program, env);

  program
    .command('version')
    .description('Print the version')
    .action(() => {
      process.stdout.write(`weft:\n Version: ${WEFT_VERSION}\n Node.js: ${process.version}\n OS/Arch: ${process.platform}/${process.arch}\n`);
    });

  try {
    await program.parseAsync(args);
  } catch (err) {
    // One line, as Fabric's CLI prints a failed command; a bug keeps its stack.
    process.stderr.write(`Error: ${failureText(err)}\n`);
    process.exitCode = 1;
  }
}

/**
 * grpc-js gives TLS the host it dials as the server name, and Node warns (DEP0123) when that is an
 * IP address, as in CORE_PEER_ADDRESS=127.0.0.1:7051: a warning about a future Node release that
 * a user can do nothing about. That one is not printed; every other warning is, as before.
 */
function quietTlsServerNameWarning(): void {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    if (warning.code === 'DEP0123') return;
    for (const print of printers) print(warning);
  });
}
