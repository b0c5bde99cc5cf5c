/** The outcome of one chaincode launch, awaited by every transaction that needs the chaincode. */
export class LaunchState {
  private error: Error | undefined;
  private settled = false;
  private resolveDone!: () => void;
  /**
   * SHA-256 fingerprint of the client certificate this launch gave its chaincode, when it gave one:
   * the one stream that may register for it presents that certificate.
   */
  credential: string | undefined;
  /** Resolves once the launch succeeded or failed; never rejects. */
  readonly done: Promise<void>;

  constructor() {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Records the outcome; only the first call counts. */
  notify(err: Error | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.error = err;
    this.resolveDone();
  }

  get isDone(): boolean {
    return this.settled;
  }

  get err(): Error | undefined {
    return this.error;
  }
}
