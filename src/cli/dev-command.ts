import { join } from 'node:path';
import type { Command } from 'commander';
import type { ModuleImporter } from '../scc/plugin-loader.js';
import { CliError } from './cli-error.js';
import { tuneServerGc } from './server-gc.js';

interface DevFlags {
  channelID: string;
  name?: string;
  signaturePolicy?: string;
  collectionsConfig?: string;
  initRequired: boolean;
  debug?: string | true;
}

const DEFAULT_INSPECTOR = { host: '127.0.0.1', port: 9229 };

/**
 * `weft dev [PATH]`: runs a chaincode project on a peer of its own, reloading it on every change.
 * `dist` is the folder of the built CLI, where the chaincode runner's script is.
 */
export function addDevCommand(program: Command, env: NodeJS.ProcessEnv, deps: { importModule: ModuleImporter; dist?: string }): void {
  program
    .command('dev')
    .argument('[path]', 'the chaincode project (a Node.js package using fabric-contract-api or fabric-shim)', '.')
    .description("Run a chaincode project on a peer of its own (kept in the project's .weft/), rebuilding and reloading it on every change")
    .option('-C, --channelID <channel>', 'the channel to define the chaincode on', 'mychannel')
    .option('-n, --name <name>', "the chaincode's name (default: package.json's name, without its scope)")
    .option('--signature-policy <policy>', "the definition's endorsement policy (default: the channel's Endorsement policy)")
    .option('--collections-config <file>', "the definition's private data collections (a collections_config.json; watched)")
    .option('--init-required', 'the chaincode must be initialised (an --isInit call) before other calls', false)
    .option('--debug [host:port]', `run the chaincode under the Node inspector (default ${DEFAULT_INSPECTOR.host}:${DEFAULT_INSPECTOR.port}), with no execute timeout`)
    .action(async (path: string, flags: DevFlags) => {
      if (deps.dist === undefined) throw new CliError('BAD_INPUT', 'weft dev runs from the built CLI (bin/weft.cjs)');
      tuneServerGc(env, process.execArgv);
      const { DevSession } = await import('../dev/dev-session.js');
      const signalled = new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      const print = (line: string): void => {
        process.stdout.write(`${line}\n`);
      };
      const session = await DevSession.start({
        projectDir: path,
        channelId: flags.channelID,
        ...(flags.name === undefined ? {} : { name: flags.name }),
        ...(flags.signaturePolicy === undefined ? {} : { signaturePolicy: flags.signaturePolicy }),
        ...(flags.collectionsConfig === undefined ? {} : { collectionsConfig: flags.collectionsConfig }),
        initRequired: flags.initRequired,
        ...(flags.debug === undefined ? {} : { debug: inspectorAddress(flags.debug) }),
        runnerScript: join(deps.dist, 'src', 'dev', 'chaincode-runner.js'),
        env,
        importModule: deps.importModule,
        print,
      });
      await signalled;
      print('stopping');
      await session.stop();
    });
}

function inspectorAddress(flag: string | true): { host: string; port: number } {
  if (flag === true) return DEFAULT_INSPECTOR;
  const match = /^(?:(.*):)?(\d+)$/.exec(flag);
  const port = Number(match?.[2]);
  if (match === null || !Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('BAD_INPUT', `--debug takes host:port or a port, not "${flag}"`);
  return { host: match[1] === undefined || match[1] === '' ? DEFAULT_INSPECTOR.host : match[1], port };
}
