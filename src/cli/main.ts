import { Command, Option } from 'commander';
import { errorMessage } from '../common/errors/weft-error.js';
import type { ModuleImporter } from '../scc/plugin-loader.js';
import { WEFT_VERSION } from '../version.js';
import { addChaincodeCommands } from './chaincode-commands.js';
import { addChannelCommands } from './channel-commands.js';
import { addChannelUpdateCommand } from './channel-update-command.js';
import { addConfigtxgenCommands } from './configtxgen-commands.js';
import { extractConnectionFlags } from './connection-flags.js';
import { addLifecycleCommands } from './lifecycle-commands.js';
import { failureText } from './failure-text.js';
import { addCryptoCommands } from './crypto-commands.js';
import { runNodeStart } from './node-start.js';
import { addOrdererCommands } from './orderer-start.js';
import { addOsnadminCommands } from './osnadmin-commands.js';
import { addSignconfigtxCommand } from './signconfigtx-command.js';

/** What the CLI needs from the script that loads it. */
export interface CliDeps {
  importModule: ModuleImporter;
}

/** The `weft` command line; bin/weft.cjs calls it with the process's arguments. */
export async function main(argv: string[], deps: CliDeps): Promise<void> {
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
        '--certfile <file>, --keyfile <file> (each sets its CORE_PEER_TLS_* variable).',
    );

  const node = program.command('node').description('Operate a peer node: start');
  node
    .command('start')
    .description('Starts the node.')
    .option('--join <channel...>', 'be on these channels: created when new, loaded when already on disk', [])
    .addOption(new Option('--peer-chaincodedev', 'start the peer in chaincode development mode (chaincode.mode: dev)').default(false))
    .addOption(new Option('--force-rebuild', "build each chaincode's Docker image afresh on its first launch (vm.docker.forceRebuild)").default(false))
    .action(async (opts: { join: string[]; peerChaincodedev: boolean; forceRebuild: boolean }) => {
      process.exitCode = await runNodeStart({
        join: opts.join,
        chaincodeDev: opts.peerChaincodedev,
        forceRebuild: opts.forceRebuild,
        env,
        importModule: deps.importModule,
      });
    });

  addChannelCommands(program, env);
  addSignconfigtxCommand(program, env);
  addChannelUpdateCommand(program, env);
  addChaincodeCommands(program, env);
  addLifecycleCommands(program, env);
  addConfigtxgenCommands(program, env);
  addCryptoCommands(program);
  addOrdererCommands(program, env);
  addOsnadminCommands(program);

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
