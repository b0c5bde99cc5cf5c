import { WeftError } from '../errors/weft-error.js';

export class QueueClosedError extends WeftError<'QUEUE_CLOSED'> {
  constructor(what: string) {
    super('QUEUE_CLOSED', `${what} is closed`);
  }
}

// One settled promise for every push that needs no wait: the hot path allocates nothing for it.
const DONE: Promise<void> = Promise.resolve();

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: Error): void;
}

/**
 * A bounded first-in first-out queue between async tasks (Go's buffered channel). `push` waits
 * while the queue is full; `shift` waits while it is empty. After `close`, items already queued
 * can still be taken, then `shift` rejects; `push` rejects at once. Neither ever throws synchronously.
 */
export class AsyncQueue<T> {
  private items: T[] = [];
  private head = 0;
  private readonly takers: Array<Waiter<T>> = [];
  private readonly givers: Array<{ item: T } & Waiter<void>> = [];
  private closed = false;

  /**
   * @param closedError makes the error a closed queue rejects with; a QueueClosedError naming the
   * queue by default. Streams pass their own, so that no wrapper is needed on every call.
   */
  constructor(
    private readonly capacity: number,
    private readonly name = 'queue',
    private readonly closedError: (name: string) => Error = (n) => new QueueClosedError(n),
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError(this.name));
    const taker = this.takers.shift();
    if (taker !== undefined) {
      taker.resolve(item);
      return DONE;
    }
    if (this.size < this.capacity) {
      this.items.push(item);
      return DONE;
    }
    return new Promise((resolve, reject) => this.givers.push({ item, resolve, reject }));
  }

  shift(): Promise<T> {
    if (this.size > 0) {
      const item = this.items[this.head] as T;
      this.items[this.head] = undefined as T;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      const giver = this.givers.shift();
      if (giver !== undefined) {
        this.items.push(giver.item);
        giver.resolve();
      }
      return Promise.resolve(item);
    }
    const giver = this.givers.shift();
    if (giver !== undefined) {
      giver.resolve();
      return Promise.resolve(giver.item);
    }
    if (this.closed) return Promise.reject(this.closedError(this.name));
    return new Promise((resolve, reject) => this.takers.push({ resolve, reject }));
  }

  /** Closes the queue: waiting takers and givers are rejected; queued items stay takeable. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const err = this.closedError(this.name);
    for (const taker of this.takers.splice(0)) taker.reject(err);
    for (const giver of this.givers.splice(0)) giver.reject(err);
  }
}
