import type { CCID } from './ccintf.js';
import type { VM } from './vm.js';

/** A request that acts on a VM, under the lock of its container. */
export interface VMCReq {
  readonly ccid: CCID;
  do(vm: VM): Promise<void>;
}

export class StartContainerReq implements VMCReq {
  constructor(
    readonly ccid: CCID,
    readonly args: string[],
    readonly env: string[],
    readonly filesToUpload: ReadonlyMap<string, Uint8Array> = new Map(),
  ) {}

  do(vm: VM): Promise<void> {
    return vm.start(this.ccid, this.args, this.env, this.filesToUpload);
  }
}

export class StopContainerReq implements VMCReq {
  constructor(
    readonly ccid: CCID,
    readonly timeoutMs = 10_000,
    readonly dontKill = false,
    readonly dontRemove = false,
  ) {}

  do(vm: VM): Promise<void> {
    return vm.stop(this.ccid, this.timeoutMs, this.dontKill, this.dontRemove);
  }
}

/**
 * Waits for the container to exit without holding its lock: `do` returns at once and `exited` is
 * called later with the exit code (and the VM's account of the exit when it gives one), or with
 * the error that ended the wait.
 */
export class WaitContainerReq implements VMCReq {
  constructor(
    readonly ccid: CCID,
    readonly exited: (exitCode: number, err?: Error, reason?: string) => void,
  ) {}

  async do(vm: VM): Promise<void> {
    vm.wait(this.ccid).then(
      async (code) => {
        const reason = await vm.exitReason?.(this.ccid).catch(() => undefined);
        if (reason === undefined) this.exited(code);
        else this.exited(code, undefined, reason);
      },
      (err: unknown) => this.exited(-1, err instanceof Error ? err : new Error(String(err))),
    );
  }
}
