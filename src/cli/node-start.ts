import { loadCoreConfig } from '../common/config/load-core-config.js';
import { errorMessage } from '../common/errors/weft-error.js';
import { Logging } from '../common/logging/logging.js';
import { Peer } from '../peer/peer.js';
import type { ModuleImporter } from '../scc/plugin-loader.js';
import { WEFT_VERSION } from '../version.js';
import { failureText } from './failure-text.js';

export interface NodeStartOptions {
  join: string[];
  /** --application-capability: of the channels --join creates. */
  applicationCapability?: string;
  chaincodeDev: boolean;
  /** --force-rebuild: sets vm.docker.forceRebuild. */
  forceRebuild?: boolean;
  /** --trace: sets chaincode.trace.enabled. */
  trace?: boolean;
  env: NodeJS.ProcessEnv;
  importModule: ModuleImporter;
}

/**
 * `weft node start`: loads the config, starts the peer, and stops it on SIGINT or SIGTERM.
 * Resolves with the exit code.
 */
export async function runNodeStart(opts: NodeStartOptions): Promise<number> {
  let logging: Logging;
  let peer: Peer;
  try {
    logging = new Logging({ spec: opts.env.FABRIC_LOGGING_SPEC ?? '' });
  } catch (err) {
    process.stderr.write(`Error: ${errorMessage(err)} (FABRIC_LOGGING_SPEC)\n`);
    return 1;
  }
  const logger = logging.logger('nodeCmd');
  // Listened for from the start, so that a signal during start-up still stops the peer cleanly.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  try {
    const config = await loadCoreConfig({
      env: opts.env,
      warn: (message) => {
        logger.warn('serve', message);
      },
    });
    if (opts.chaincodeDev) config.chaincode.mode = 'dev';
    if (opts.forceRebuild === true) config.vm.docker.forceRebuild = true;
    if (opts.trace === true) config.chaincode.trace.enabled = true;
    if (config.chaincode.mode === 'dev') logger.info('serve', 'Running in chaincode development mode');
    peer = await Peer.start({ config, logging, version: WEFT_VERSION, join: opts.join, joinApplicationCapability: opts.applicationCapability, importModule: opts.importModule });
  } catch (err) {
    logger.fatal('serve', failureText(err));
    return 1;
  }

  const signal = await signalled;
  logger.info('serve', `Received signal: ${signal}, stopping the peer`);
  await peer.stop();
  return 0;
}
