import type { Logger } from '../../common/logging/logging.js';
import { canonicalName, type CCID } from '../ccintf.js';
import type { VM, VMProvider } from '../vm.js';

/** The container type of user chaincode in dev mode. */
export const DEV_CONTAINER_TYPE = 'DEV';

/**
 * Dev mode (`--peer-chaincodedev`): the developer starts the chaincode, so starting its
 * "container" only says what the peer waits for; the launch then completes when the chaincode
 * registers, or fails at the startup timeout.
 */
export class DevVMProvider implements VMProvider {
  constructor(private readonly opts: { logger: Logger; peerAddress: () => string }) {}

  newVM(): VM {
    const { logger, peerAddress } = this.opts;
    return {
      async start(ccid: CCID): Promise<void> {
        logger.info(
          'Start',
          `chaincode mode is dev: waiting for ${canonicalName(ccid)} to register; start it with CORE_CHAINCODE_ID_NAME=${canonicalName(ccid)} npm start -- --peer.address ${peerAddress()}`,
        );
      },
      async stop(): Promise<void> {
        // Nothing to stop: the developer owns the process.
      },
      wait(): Promise<number> {
        // The peer cannot see the developer's process end; it learns of it when the stream closes.
        return new Promise<number>(() => undefined);
      },
    };
  }
}
