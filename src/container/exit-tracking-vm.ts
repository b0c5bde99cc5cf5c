import type { CCID } from './ccintf.js';
import { describeExit, type ProcessExit } from './process/process-exit.js';
import type { VM } from './vm.js';

/** A provider that runs each chaincode as something with an exit to report: a child process, a container. */
export interface ExitTrackingProvider {
  start(ccid: CCID, args: string[], env: string[], filesToUpload: ReadonlyMap<string, Uint8Array>): Promise<void>;
  stop(ccid: CCID, timeoutMs: number, dontKill: boolean, dontRemove: boolean): Promise<void>;
  /** Settles once the chaincode has ended: its exit code and last words. */
  exitOf(ccid: CCID): Promise<ProcessExit>;
}

/** The VM view of such a provider, one per request as Fabric makes them. */
export class ExitTrackingVM implements VM {
  /** What this VM's wait saw, so that exitReason describes the same exit. */
  private exit: ProcessExit | undefined;

  constructor(private readonly provider: ExitTrackingProvider) {}

  start(ccid: CCID, args: string[], env: string[], filesToUpload: ReadonlyMap<string, Uint8Array>): Promise<void> {
    return this.provider.start(ccid, args, env, filesToUpload);
  }

  stop(ccid: CCID, timeoutMs: number, dontKill: boolean, dontRemove: boolean): Promise<void> {
    return this.provider.stop(ccid, timeoutMs, dontKill, dontRemove);
  }

  async wait(ccid: CCID): Promise<number> {
    this.exit = await this.provider.exitOf(ccid);
    return this.exit.exitCode;
  }

  async exitReason(ccid: CCID): Promise<string> {
    return describeExit(this.exit ?? (await this.provider.exitOf(ccid)));
  }
}
