import { createRequire } from 'node:module';
import { join } from 'node:path';
import { errorMessage } from '../common/errors/weft-error.js';
import { TestNetworkError } from './test-network-error.js';

/** A chaincode as fabric-shim runs it: what `shim.start` and `shim.server` take. */
export interface ShimChaincode {
  Init(stub: unknown): Promise<unknown>;
  Invoke(stub: unknown): Promise<unknown>;
}

/** A contract class of fabric-contract-api (a subclass of its `Contract`). */
export type ContractClass = abstract new (...args: never[]) => object;

/** A protobuf message as fabric-shim's protos make them. */
export interface ShimMessage {
  serializeBinary(): Uint8Array;
}

/** The stream of one conversation, as fabric-shim's message handler uses it (a gRPC duplex stream). */
export interface ShimStream {
  write(message: ShimMessage): boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  end(): void;
}

/** What the testing library uses of fabric-shim and fabric-contract-api, as one installation provides them. */
export interface FabricShim {
  /**
   * fabric-shim's side of one conversation on a stream the peer opened (what its chaincode
   * server does for each connection): REGISTER as `ccid`, then fabric-shim's own message handler.
   */
  converse(stream: ShimStream, chaincode: ShimChaincode, ccid: string): void;
  /** Decodes a ChaincodeMessage with fabric-shim's protos. */
  decodeMessage(bytes: Uint8Array): ShimMessage;
  /** A chaincode from contract classes, as `fabric-chaincode-node start` makes one. */
  fromContracts(contracts: readonly ContractClass[], title: string, version: string): ShimChaincode;
  /** A chaincode from a folder's package.json `main`, as `fabric-chaincode-node start --module-path` finds it. */
  fromFolder(dir: string): Promise<ShimChaincode>;
}

interface ContractInfo {
  contracts: ContractClass[];
  serializers: unknown;
  title: string;
  version: string;
}

interface HandlerModule {
  ChaincodeMessageHandler: new (stream: ShimStream, chaincode: ShimChaincode) => { chat(first: ShimMessage): void };
}
interface ProtoMessage extends ShimMessage {
  setType(type: number): void;
  setPayload(payload: Uint8Array): void;
}
interface ProtosModule {
  peer: {
    ChaincodeID: new () => ShimMessage & { setName(name: string): void };
    ChaincodeMessage: (new () => ProtoMessage) & { Type: { REGISTER: number }; deserializeBinary(bytes: Uint8Array): ShimMessage };
  };
}
type ChaincodeFromContractClass = new (contracts: ContractClass[], serializers: unknown, metadata: unknown, title: string, version: string) => ShimChaincode;
interface BootstrapClass {
  getInfoFromContract(modulePath: string): ContractInfo;
  getMetadata(modulePath: string): Promise<unknown>;
}
interface ContractApiModule {
  JSONSerializer: unknown;
}

/**
 * Loads the fabric-shim installed where `dir` resolves packages from (the chaincode's own
 * node_modules, or the test project's), with the fabric-contract-api that shim itself uses: a
 * contract class must come from the same fabric-contract-api the shim checks it against.
 * fabric-shim is not a dependency of Weft: it is the chaincode's, at the version the chaincode chose.
 */
export function loadFabricShim(dir: string): FabricShim {
  const fromDir = createRequire(join(dir, 'package.json'));
  let shimEntry: string;
  try {
    shimEntry = fromDir.resolve('fabric-shim');
  } catch (err) {
    throw new TestNetworkError('BAD_CHAINCODE', `fabric-shim cannot be found from ${dir}: install the chaincode's dependencies there (npm install), or deploy it with run: 'process' (${errorMessage(err)})`, { cause: err });
  }
  const fromShim = createRequire(shimEntry);
  shareProtos(fromShim);
  // Bound here rather than imported: each chaincode folder may bring its own fabric-shim version.
  const { handlers, protos, ChaincodeFromContract, Bootstrap, contractApi } = keepingProcessHandlers(() => ({
    handlers: fromShim('./lib/handler.js') as HandlerModule,
    protos: fromShim('@hyperledger/fabric-protos') as ProtosModule,
    ChaincodeFromContract: fromShim('./lib/contract-spi/chaincodefromcontract.js') as ChaincodeFromContractClass,
    Bootstrap: fromShim('./lib/contract-spi/bootstrap.js') as BootstrapClass,
    contractApi: fromShim('fabric-contract-api') as ContractApiModule,
  }));
  quietShimLogs(fromShim);
  const defaultSerializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: contractApi.JSONSerializer } };
  const { peer } = protos;
  return {
    converse: (stream, chaincode, ccid) => {
      const id = new peer.ChaincodeID();
      id.setName(ccid);
      const register = new peer.ChaincodeMessage();
      register.setType(peer.ChaincodeMessage.Type.REGISTER);
      register.setPayload(id.serializeBinary());
      new handlers.ChaincodeMessageHandler(stream, chaincode).chat(register);
    },
    decodeMessage: (bytes) => peer.ChaincodeMessage.deserializeBinary(bytes),
    // A copy of the list: fabric-shim appends its system contract to the array it is given.
    fromContracts: (contracts, title, version) => keepingProcessHandlers(() => new ChaincodeFromContract([...contracts], defaultSerializers, {}, title, version)),
    fromFolder: async (folder) => {
      // Loading the chaincode's module may load more of fabric-shim (and its logger) for the first time.
      const info = keepingProcessHandlers(() => Bootstrap.getInfoFromContract(folder));
      const metadata = await Bootstrap.getMetadata(folder);
      return keepingProcessHandlers(() => new ChaincodeFromContract([...info.contracts], info.serializers, metadata, info.title, info.version));
    },
  };
}

/** The entry points through which fabric-shim reaches the protobuf classes. */
const PROTO_ENTRIES = ['@hyperledger/fabric-protos', '@hyperledger/fabric-protos/lib/peer'];

/**
 * Makes the shim's `@hyperledger/fabric-protos` the peer's own module when both are installed. The
 * code google-protobuf generates defines its classes on a global `proto` object, so each copy
 * loaded into a process replaces the classes the copies before it decode into; one copy fewer is
 * one such swap fewer (the chaincode server's serializers do not depend on it: see
 * in-process-chaincode-server.ts).
 */
function shareProtos(fromShim: NodeJS.Require): void {
  const ours = createRequire(import.meta.url);
  for (const entry of PROTO_ENTRIES) {
    let theirsFile: string;
    try {
      theirsFile = fromShim.resolve(entry);
    } catch {
      continue;
    }
    const oursFile = ours.resolve(entry);
    if (theirsFile === oursFile || ours.cache[theirsFile] !== undefined) continue;
    ours(entry);
    const loaded = ours.cache[oursFile];
    if (loaded !== undefined) ours.cache[theirsFile] = loaded;
  }
}

/**
 * Runs `load` and removes the process handlers it added: fabric-shim's logger, as it loads,
 * handles uncaught exceptions and unhandled rejections by logging them and going on, which in a
 * test process would hide failures from the test runner.
 */
function keepingProcessHandlers<T>(load: () => T): T {
  const exceptionHandlers = new Set(process.listeners('uncaughtException'));
  const rejectionHandlers = new Set(process.listeners('unhandledRejection'));
  try {
    return load();
  } finally {
    for (const listener of process.listeners('uncaughtException')) {
      if (!exceptionHandlers.has(listener)) process.removeListener('uncaughtException', listener);
    }
    for (const listener of process.listeners('unhandledRejection')) {
      if (!rejectionHandlers.has(listener)) process.removeListener('unhandledRejection', listener);
    }
  }
}

/**
 * fabric-shim logs each transaction at info on the console; in a test run that drowns the test's
 * own output. Its level is CORE_CHAINCODE_LOGGING_LEVEL, as for any chaincode: left as the user set
 * it, and 'warning' when unset (fabric-shim's setLevel sets that variable for the loggers it makes later).
 */
function quietShimLogs(fromShim: NodeJS.Require): void {
  if (process.env.CORE_CHAINCODE_LOGGING_LEVEL !== undefined) return;
  const logger = fromShim('./lib/logger.js') as { setLevel?: (level: string) => void };
  logger.setLevel?.('warning');
}
