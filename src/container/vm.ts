import type { CCID } from './ccintf.js';

/** A place chaincode runs: in the peer's process, a child process, a Docker container... */
export interface VM {
  /** Starts the chaincode; resolves once it is running (not yet registered). */
  start(ccid: CCID, args: string[], env: string[], filesToUpload: ReadonlyMap<string, Uint8Array>): Promise<void>;
  stop(ccid: CCID, timeoutMs: number, dontKill: boolean, dontRemove: boolean): Promise<void>;
  /** Resolves with the exit code once the chaincode ends. */
  wait(ccid: CCID): Promise<number>;
  /**
   * How the container ended, in words (the signal, its last lines of output), once `wait` has
   * resolved; for error messages. VMs that know no more than the exit code leave it out.
   */
  exitReason?(ccid: CCID): Promise<string>;
}

/** Makes the VM of one container type (Fabric's container.VMProvider). */
export interface VMProvider {
  newVM(): VM;
}
