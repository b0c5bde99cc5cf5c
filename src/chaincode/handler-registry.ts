import type { ChaincodeCaller } from '../comm/chaincode-stream.js';
import type { Logger } from '../common/logging/logging.js';
import { ChaincodeError } from './chaincode-error.js';
import { LaunchState } from './launch-state.js';
import { refused } from './register-name.js';

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

  /**
   * The launch of `cname` under way gave its chaincode this client certificate: from now on only a
   * stream presenting it may register `cname` (see register).
   */
  bindCredential(cname: string, fingerprint256: string): void {
    // In dev mode the developer starts the chaincode with credentials of their own (dev-credentials):
    // the launch's are never handed to anyone.
    if (this.opts.allowUnsolicitedRegistration) return;
    const launch = this.launching.get(cname);
    if (launch !== undefined) launch.credential = fingerprint256;
  }

  /** Fails every launch still waiting for its chaincode: the peer is stopping. */
  failPending(err: Error): void {
    for (const launch of this.launching.values()) launch.notify(err);
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

  /** The registered handlers, by canonical name. */
  registered(): IterableIterator<[string, H]> {
    return this.handlers.entries();
  }

  /** The version of the registered chaincode of this name, if one is registered. */
  registeredVersion(name: string): string | undefined {
    const prefix = `${name}:`;
    for (const cname of this.handlers.keys()) if (cname.startsWith(prefix)) return cname.slice(prefix.length);
    return undefined;
  }

  /**
   * Registers the chaincode's handler. `caller` is who dialled, for a stream from the chaincode
   * listener; a stream the peer made itself has none. A caller's client certificate must have been
   * issued for the name it registers; and while the peer launches `name:version` with a client
   * certificate of that launch's own, only the stream that presents that very certificate may
   * register it: another local process racing the launched one is refused, even with a
   * certificate the CA issued for the same name (dev-credentials), or with none.
   */
  register(handler: H, caller?: ChaincodeCaller): void {
    const key = handler.chaincodeName;
    if (this.handlers.has(key)) {
      throw new ChaincodeError('DUPLICATE_CHAINCODE_ID', `duplicate chaincodeID: ${key}`);
    }
    const launch = this.launching.get(key);
    if (caller !== undefined) {
      const cert = caller.certificate;
      if (cert !== undefined && cert.commonName !== key) throw refused(`the client certificate was issued for ${cert.commonName}`, key);
      if (launch?.credential !== undefined && cert?.fingerprint256 !== launch.credential) {
        const why = cert === undefined ? 'it presented no client certificate' : "its client certificate is not the launch's";
        throw refused(`the peer is launching ${key} and this is not the process it launched (${why})`, key);
      }
    }
    if (launch === undefined && !this.opts.allowUnsolicitedRegistration) {
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
