// A recording VM and provider for unit tests of the container layer (not a test file itself).
import type { CCID } from '../../src/container/ccintf.js';
import type { VM, VMProvider } from '../../src/container/vm.js';

export type VMCall =
  | { op: 'start'; ccid: CCID; args: string[]; env: string[]; files: ReadonlyMap<string, Uint8Array> }
  | { op: 'stop'; ccid: CCID; timeoutMs: number; dontKill: boolean; dontRemove: boolean }
  | { op: 'wait'; ccid: CCID };

export class FakeVM implements VM {
  startError: Error | undefined;
  waitResult: () => Promise<number> = () => Promise.resolve(0);

  constructor(readonly calls: VMCall[]) {}

  async start(ccid: CCID, args: string[], env: string[], files: ReadonlyMap<string, Uint8Array>): Promise<void> {
    this.calls.push({ op: 'start', ccid, args, env, files });
    if (this.startError !== undefined) throw this.startError;
  }

  async stop(ccid: CCID, timeoutMs: number, dontKill: boolean, dontRemove: boolean): Promise<void> {
    this.calls.push({ op: 'stop', ccid, timeoutMs, dontKill, dontRemove });
  }

  wait(ccid: CCID): Promise<number> {
    this.calls.push({ op: 'wait', ccid });
    return this.waitResult();
  }
}

export class FakeProvider implements VMProvider {
  readonly calls: VMCall[] = [];
  readonly vms: FakeVM[] = [];

  newVM(): FakeVM {
    const vm = new FakeVM(this.calls);
    this.vms.push(vm);
    return vm;
  }
}
