interface Waiter {
  blockNumber: number;
  resolve(): void;
}

/**
 * A chain's height and the waits for it to grow, for ChainReader implementations: `waitForBlock`
 * resolves once `advance` has moved the height past the block. An aborted wait is forgotten at once,
 * so cancelled Deliver streams leave nothing behind.
 */
export class HeightWatch {
  private current: number;
  private readonly waiters = new Set<Waiter>();

  constructor(height: number) {
    this.current = height;
  }

  get height(): number {
    return this.current;
  }

  /** Records a new height (a lower one is ignored) and wakes the waits it satisfies. */
  advance(height: number): void {
    if (height <= this.current) return;
    this.current = height;
    for (const waiter of this.waiters) {
      if (waiter.blockNumber < height) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Number of waits pending (for tests and metrics). */
  get waiting(): number {
    return this.waiters.size;
  }

  waitForBlock(blockNumber: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    if (blockNumber < this.current) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters.delete(waiter);
        reject(signal.reason as Error);
      };
      const waiter: Waiter = {
        blockNumber,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.waiters.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
