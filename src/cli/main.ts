import { Option, type Command } from 'commander';
import { runCli, type CliDeps } from './cli-program.js';
import { addDevCommand } from './dev-command.js';
import { runNodeStart } from './node-start.js';
import { addOrdererCommands } from './orderer-start.js';
import { tuneServerGc } from './server-gc.js';

export type { CliDeps } from './cli-program.js';

/** The whole `weft` command line, nodes included; bin/weft.cjs calls it with the process's arguments. */
export async function main(argv: string[], deps: CliDeps): Promise<void> {
  await runCli(argv, deps, addNodeCommands);
}

/** `weft node start`, `weft orderer start` and `weft dev`. */
function addNodeCommands(program: Command, env: NodeJS.ProcessEnv, deps: CliDeps): void {
  const node = program.command('node').description('Operate a peer node: start');
  node
    .command('start')
    .description('Starts the node.')
    .option('--join <channel...>', 'be on these channels: created when new, loaded when already on disk', [])
    .addOption(
      new Option(
        '--application-capability <capability>',
        'the Application capability of the channels --join creates: V2_5 and V2_0 define chaincodes with _lifecycle, V1_4_2 and V1_4_3 keep the 1.4 lifecycle (lscc)',
      )
        .choices(['V2_5', 'V2_0', 'V1_4_3', 'V1_4_2'])
        .default('V2_5'),
    )
    .addOption(new Option('--peer-chaincodedev', 'start the peer in chaincode development mode (chaincode.mode: dev)').default(false))
    .addOption(new Option('--force-rebuild', "build each chaincode's Docker image afresh on its first launch (vm.docker.forceRebuild)").default(false))
    .addOption(new Option('--trace', 'record every chaincode conversation for GET /trace and `weft trace` (chaincode.trace.enabled)').default(false))
    .action(async (opts: { join: string[]; applicationCapability: string; peerChaincodedev: boolean; forceRebuild: boolean; trace: boolean }) => {
      tuneServerGc(env, process.execArgv);
      process.exitCode = await runNodeStart({
        join: opts.join,
        applicationCapability: opts.applicationCapability,
        chaincodeDev: opts.peerChaincodedev,
        forceRebuild: opts.forceRebuild,
        trace: opts.trace,
        env,
        importModule: deps.importModule,
      });
    });

  addOrdererCommands(program, env);
  addDevCommand(program, env, deps);
}
