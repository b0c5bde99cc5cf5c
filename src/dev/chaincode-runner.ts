// The process `weft dev` runs a project's chaincode in. It loads the project's own fabric-shim as
// soon as it starts, then waits: `load` brings in the project's code, `start` registers it with the
// peer, as `fabric-chaincode-node start` (or the project's `node <file>`) would. `weft dev` keeps one
// runner loaded ahead of time, so that a reload costs only the project's own modules.
import { createRequire } from 'node:module';
import { open as openInspector, url as inspectorUrl } from 'node:inspector';
import { join, resolve } from 'node:path';
import { uncaughtErrorOf } from '../container/process/uncaught-error.js';
import type { RunnerCommand, RunnerFailure, RunnerReport, RunnerTransaction } from './runner-protocol.js';

interface ShimResponse {
  status?: number;
  message?: string;
  payload?: Uint8Array;
}
interface Chaincode {
  Init(stub: Stub): Promise<ShimResponse>;
  Invoke(stub: Stub): Promise<ShimResponse>;
}
interface Stub {
  getFunctionAndParameters(): { fcn: string; params: string[] };
  getTxID(): string;
  getChannelID(): string;
  chaincodeEvent?: { getEventName(): string; getPayload_asU8(): Uint8Array };
}
interface ShimClass {
  start(chaincode: Chaincode): unknown;
}
interface Bootstrap {
  getInfoFromContract(dir: string): { contracts: unknown[]; serializers: unknown; title: string; version: string };
  getMetadata(dir: string): Promise<unknown>;
}
type ChaincodeFromContract = new (contracts: unknown[], serializers: unknown, metadata: unknown, title: string, version: string) => Chaincode;

const PREVIEW = 200;

/** The runner's arguments: the project folder, and `shim <file>` when its start script is `node <file>`. */
const [projectDir = process.cwd(), mode = 'contract', entry = ''] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));

function send(report: RunnerReport): void {
  process.send?.(report);
}

function failureOf(err: unknown): RunnerFailure {
  if (!(err instanceof Error)) return { message: String(err) };
  const lines = (err.stack ?? `${err.name}: ${err.message}`).split('\n');
  const parsed = uncaughtErrorOf(lines);
  const ownFrame = lines.map((line) => /\(?(\/[^()\s]+:\d+(?::\d+)?)\)?$/.exec(line)?.[1]).find((at) => at !== undefined && !at.includes('/node_modules/'));
  const message = parsed?.message ?? `${err.name}: ${err.message.split('\n')[0] ?? ''}`;
  const location = parsed?.location !== undefined && !parsed.location.includes('/node_modules/') ? parsed.location : (ownFrame ?? parsed?.location);
  return location === undefined ? { message } : { message, location };
}

/** The project's fabric-shim, loaded once, then the project's chaincode on `load`, started on `start`. */
class ChaincodeRunner {
  private chaincode: Chaincode | undefined;
  // Calls running now; with `drainWaiter` set, weft dev waits for them to end before it stops this process.
  private running = 0;
  private drainWaiter: (() => void) | undefined;

  constructor(
    private readonly fromProject: NodeJS.Require,
    private readonly shim: ShimClass,
    private readonly shimRequire: NodeJS.Require,
  ) {}

  /** Loads fabric-shim as the project resolves it; exits, saying why, when it cannot. */
  static open(): ChaincodeRunner {
    const fromProject = createRequire(join(projectDir, 'package.json'));
    try {
      const shimEntry = fromProject.resolve('fabric-shim');
      const shimRequire = createRequire(shimEntry);
      // Loaded now, off the reload's path: the contract API and fabric-shim's own loader of contracts.
      if (mode === 'contract') shimRequire('./lib/contract-spi/bootstrap.js');
      return new ChaincodeRunner(fromProject, fromProject(shimEntry) as ShimClass, shimRequire);
    } catch (err) {
      send({ type: 'load-failed', failure: { message: `fabric-shim cannot be loaded from ${projectDir}: add it to the project's dependencies (${failureOf(err).message})` } });
      process.exit(1);
    }
  }

  handle(command: RunnerCommand): void {
    if (command.type === 'load') {
      this.load().then(
        (loaded) => {
          this.chaincode = loaded;
          send({ type: 'loaded' });
        },
        (err: unknown) => send({ type: 'load-failed', failure: failureOf(err) }),
      );
    } else if (command.type === 'drain') {
      this.drainWaiter = () => send({ type: 'drained' });
      if (this.running === 0) this.drainWaiter();
    } else {
      this.start(command.inspect);
    }
  }

  private async load(): Promise<Chaincode> {
    const { shim } = this;
    if (mode === 'shim') {
      // The file hands its chaincode to shim.start as it loads; held here until `start`.
      const realStart = shim.start.bind(shim);
      let handed: Chaincode | undefined;
      shim.start = (cc: Chaincode) => {
        handed = cc;
      };
      try {
        this.fromProject(resolve(projectDir, entry));
      } finally {
        shim.start = realStart;
      }
      if (handed === undefined) throw new Error(`${entry} did not call shim.start(chaincode) as it loaded`);
      return handed;
    }
    const bootstrap = this.shimRequire('./lib/contract-spi/bootstrap.js') as Bootstrap;
    const FromContract = this.shimRequire('./lib/contract-spi/chaincodefromcontract.js') as ChaincodeFromContract;
    const info = bootstrap.getInfoFromContract(projectDir);
    const metadata = await bootstrap.getMetadata(projectDir);
    return new FromContract(info.contracts, info.serializers, metadata, info.title, info.version);
  }

  private start(inspect: { host: string; port: number } | undefined): void {
    if (this.chaincode === undefined) {
      send({ type: 'start-failed', failure: { message: 'no chaincode has been loaded to start' } });
      return;
    }
    try {
      let inspector: string | undefined;
      if (inspect !== undefined) {
        openInspector(inspect.port, inspect.host, false);
        inspector = inspectorUrl();
      }
      // fabric-shim's client: it dials --peer.address and registers as CORE_CHAINCODE_ID_NAME.
      this.shim.start(this.observed(this.chaincode));
      send(inspector === undefined ? { type: 'started' } : { type: 'started', inspector });
    } catch (err) {
      send({ type: 'start-failed', failure: failureOf(err) });
    }
  }

  /** The chaincode, each call reported to `weft dev` as it ends. */
  private observed(cc: Chaincode): Chaincode {
    const call = async (kind: RunnerTransaction['kind'], stub: Stub): Promise<ShimResponse> => {
      this.running++;
      const started = performance.now();
      const { fcn, params } = stub.getFunctionAndParameters();
      const base = { kind, channel: stub.getChannelID(), txid: stub.getTxID(), fcn, args: params };
      try {
        const response = kind === 'init' ? await cc.Init(stub) : await cc.Invoke(stub);
        send({ type: 'transaction', tx: { ...base, ...answered(response, stub), ms: performance.now() - started } });
        return response;
      } catch (err) {
        send({ type: 'transaction', tx: { ...base, payload: '', thrown: failureOf(err), ms: performance.now() - started } });
        throw err;
      } finally {
        // After the answer has gone back to the peer (fabric-shim writes it when this call resolves).
        setImmediate(() => this.callEnded());
      }
    };
    return { Init: async (stub) => call('init', stub), Invoke: async (stub) => call('invoke', stub) };
  }

  private callEnded(): void {
    this.running--;
    if (this.running === 0) this.drainWaiter?.();
  }
}

/** What a call answered: status, message, payload and the event it set, as text cut short. */
function answered(response: ShimResponse, stub: Stub): Pick<RunnerTransaction, 'status' | 'message' | 'payload' | 'event'> {
  const event = stub.chaincodeEvent;
  return {
    status: response.status,
    message: response.message ?? '',
    payload: text(response.payload),
    ...(event === undefined ? {} : { event: { name: event.getEventName(), payload: text(event.getPayload_asU8()) } }),
  };
}

function text(bytes: Uint8Array | undefined): string {
  if (bytes === undefined || bytes.length === 0) return '';
  const all = Buffer.from(bytes).toString('utf8');
  return all.length > PREVIEW ? `${all.slice(0, PREVIEW)}…` : all;
}

const runner = ChaincodeRunner.open();
process.on('message', (command: RunnerCommand) => runner.handle(command));
// Without weft dev (its IPC channel closed), there is nothing left to serve.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
