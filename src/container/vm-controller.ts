import type { Logger } from '../common/logging/logging.js';
import { containerName } from './ccintf.js';
import { ContainerError } from './container-error.js';
import type { VMProvider } from './vm.js';
import type { VMCReq } from './vm-requests.js';

interface RefCountedLock {
  refCount: number;
  tail: Promise<void>;
}

export interface VMControllerOptions {
  /** Container type (`SYSTEM`, `PROCESS`, `DOCKER`, ...) -> its provider. */
  vmProviders: ReadonlyMap<string, VMProvider>;
  logger: Logger;
}

/**
 * Routes container requests to the VM of their container type, one request per container at a
 * time: a per-container-name lock, reference counted and deleted when nobody holds or waits for it.
 */
export class VMController {
  private readonly locks = new Map<string, RefCountedLock>();
  private readonly vmProviders: ReadonlyMap<string, VMProvider>;
  private readonly logger: Logger;

  constructor(opts: VMControllerOptions) {
    this.vmProviders = opts.vmProviders;
    this.logger = opts.logger;
  }

  async process(containerType: string, req: VMCReq): Promise<void> {
    const provider = this.vmProviders.get(containerType);
    if (provider === undefined) {
      const known = [...this.vmProviders.keys()].join(', ');
      throw new ContainerError('UNKNOWN_VM_TYPE', `unknown VM type ${containerType} (known types: ${known})`);
    }
    const vm = provider.newVM();
    const id = containerName(req.ccid);
    const release = await this.lockContainer(id);
    try {
      await req.do(vm);
    } finally {
      release();
    }
  }

  /** Number of containers with a live lock; zero when idle. */
  get lockCount(): number {
    return this.locks.size;
  }

  private async lockContainer(id: string): Promise<() => void> {
    let lock = this.locks.get(id);
    if (lock === undefined) {
      lock = { refCount: 0, tail: Promise.resolve() };
      this.locks.set(id, lock);
    }
    lock.refCount++;
    const held = lock;
    const previous = held.tail;
    let unlock!: () => void;
    held.tail = new Promise<void>((resolve) => (unlock = resolve));
    if (this.logger.debugEnabled) this.logger.debug('lockContainer', `waiting for container(${id}) lock`);
    await previous;
    if (this.logger.debugEnabled) this.logger.debug('lockContainer', `got container (${id}) lock`);
    return () => {
      held.refCount--;
      if (held.refCount === 0) {
        this.locks.delete(id);
        if (this.logger.debugEnabled) this.logger.debug('unlockContainer', `container lock deleted(${id})`);
      }
      unlock();
    };
  }
}
