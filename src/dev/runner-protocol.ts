/** What `weft dev` asks of a chaincode runner process (over its IPC channel). */
export type RunnerCommand =
  /** Load the project's chaincode (its contracts, or the chaincode its start script hands to shim.start). */
  | { type: 'load' }
  /** Register with the peer and serve; with `inspect`, open the Node inspector there first. */
  | { type: 'start'; inspect?: { host: string; port: number } }
  /** Answer `drained` once no call of the chaincode is running (another runner is about to take over). */
  | { type: 'drain' };

/** An error the project's code raised: its first line and where, in the project's files, it was thrown. */
export interface RunnerFailure {
  message: string;
  location?: string;
}

/** One call of the chaincode's Init or Invoke, as the runner saw it. */
export interface RunnerTransaction {
  kind: 'init' | 'invoke';
  channel: string;
  txid: string;
  fcn: string;
  args: string[];
  /** The response's status (200 for success) and message; undefined when the chaincode threw. */
  status?: number;
  message?: string;
  /** The response's payload, as text, cut short. */
  payload: string;
  /** The chaincode event the call set, its payload as text, cut short. */
  event?: { name: string; payload: string };
  /** What the chaincode threw, when it threw rather than answering. */
  thrown?: RunnerFailure;
  ms: number;
}

/** What a runner reports. */
export type RunnerReport =
  /** fabric-shim is loaded: the runner waits for `load`. */
  | { type: 'ready' }
  | { type: 'loaded' }
  | { type: 'load-failed'; failure: RunnerFailure }
  /** Registering with the peer; `inspector` is the debugger's URL when asked for. */
  | { type: 'started'; inspector?: string }
  | { type: 'start-failed'; failure: RunnerFailure }
  | { type: 'transaction'; tx: RunnerTransaction }
  | { type: 'drained' };
