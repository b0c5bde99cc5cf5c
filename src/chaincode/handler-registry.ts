import type { Logger } from '../common/logging/logging.js';
import { ChaincodeError } from './chaincode-error.js';
import { LaunchState } from './launch-state.js';

/** What the registry knows of a handler: the chaincode name it registered under. */
export interface RegisteredHandler {
  readonly chaincodeName: string;
}

export interface HandlerRegistryOptions {
  /** Dev mode: chaincodes the peer did not launch may register. */
  allowUnsolicitedRegistration: boolean;
  logger: Logger;
}

/** The handlers of registered chaincodes and the launches under way, by canonical name. */
export class HandlerRegistry<H extends RegisteredHandler = RegisteredHandler> {
  private readonly launching = new Map<string, LaunchState>();
  private readonly handlers = new Map<string, H>();

  constructor(private readonly opts: HandlerRegistryOptions) {}

  /** The launch state of `cname`, and whether a launch was already under way. */
  launch(cname: string): { launchState: LaunchState; alreadyStarted: boolean } {
    const existing = this.launching.get(cname);
    if (existing !== undefined) return { launchState: existing, alreadyStarted: true };
    const launchState = new LaunchState();
    this.launching.set(cname, launchState);
    return { launchState, alreadyStarted: false };
  }

  /** The chaincode registered and is ready. */
  ready(cname: string): void {
    this.launching.get(cname)?.notify(undefined);
  }

  /** The chaincode failed to register. */
  failed(cname: string, err: Error): void {
    this.launching.get(cname)?.notify(err);
  }

  handler(cname: string): H | undefined {
    return this.handlers.get(cname);
  }

  /** The version of the registered chaincode of this name, if one is registered. */
  registeredVersion(name: string): string | undefined {
    const prefix = `${name}:`;
    for (const cname of this.handlers.keys()) if (cname.startsWith(prefix)) return cname.slice(prefix.length);
    return undefined;
  }

  register(handler: H): void {
    const key = handler.chaincodeName;
    if (this.handlers.has(key)) {
      throw new ChaincodeError('DUPLICATE_CHAINCODE_ID', `duplicate chaincodeID: ${key}`);
    }
    if (!this.launching.has(key) && !this.opts.allowUnsolicitedRegistration) {
      throw new ChaincodeError(
        'UNSOLICITED_REGISTRATION',
        `peer will not accept external chaincode connection ${key} (except in dev mode)`,
      );
    }
    this.handlers.set(key, handler);
    this.opts.logger.debug('Register', `registered handler complete for chaincode ${key}`);
  }

  /** Forgets the chaincode's handler and launch; only the handler that registered may remove itself. */
  deregister(cname: string, handler?: H): void {
    if (handler !== undefined && this.handlers.get(cname) !== handler) return;
    this.handlers.delete(cname);
    this.launching.delete(cname);
    this.opts.logger.debug('Deregister', `deregister handler: ${cname}`);
  }
}
