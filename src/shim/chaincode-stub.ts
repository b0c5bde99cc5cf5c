import type { SignedProposal } from '../common/protos/proposal.js';

/** The state calls the stub makes through the shim handler. */
export interface PeerCalls {
  getState(key: string, channelId: string, txId: string): Promise<Uint8Array>;
  putState(key: string, value: Uint8Array, channelId: string, txId: string): Promise<void>;
  deleteState(key: string, channelId: string, txId: string): Promise<void>;
  getPrivateData(collection: string, key: string, channelId: string, txId: string): Promise<Uint8Array>;
  getPrivateDataHash(collection: string, key: string, channelId: string, txId: string): Promise<Uint8Array>;
  putPrivateData(collection: string, key: string, value: Uint8Array, channelId: string, txId: string): Promise<void>;
  deletePrivateData(collection: string, key: string, channelId: string, txId: string): Promise<void>;
}

/** What a chaincode sees of its transaction: its arguments and the ledger state calls. */
export class ChaincodeStub {
  private stringArgs: string[] | undefined;

  constructor(
    private readonly calls: PeerCalls,
    private readonly channelId: string,
    private readonly txId: string,
    /** The ChaincodeInput's arguments. */
    private readonly args: Uint8Array[],
    private readonly signedProposal?: SignedProposal,
  ) {}

  /** The client's signed proposal this call runs for; none for a system chaincode's Init at deployment. */
  getSignedProposal(): SignedProposal | undefined {
    return this.signedProposal;
  }

  getArgs(): Uint8Array[] {
    return this.args;
  }

  getStringArgs(): string[] {
    this.stringArgs ??= this.args.map((arg) => Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength).toString('utf8'));
    return this.stringArgs;
  }

  /** The first argument as the function name, the rest as its parameters. */
  getFunctionAndParameters(): { fcn: string; params: string[] } {
    const [fcn = '', ...params] = this.getStringArgs();
    return { fcn, params };
  }

  getTxID(): string {
    return this.txId;
  }

  getChannelID(): string {
    return this.channelId;
  }

  /** The committed value of `key`; empty when there is none (as Fabric's shim returns it). */
  getState(key: string): Promise<Uint8Array> {
    return this.calls.getState(key, this.channelId, this.txId);
  }

  putState(key: string, value: Uint8Array | string): Promise<void> {
    return this.calls.putState(key, typeof value === 'string' ? Buffer.from(value) : value, this.channelId, this.txId);
  }

  deleteState(key: string): Promise<void> {
    return this.calls.deleteState(key, this.channelId, this.txId);
  }

  /** A private value of the collection; empty when there is none. */
  getPrivateData(collection: string, key: string): Promise<Uint8Array> {
    return this.calls.getPrivateData(collection, key, this.channelId, this.txId);
  }

  /** The hash of a private value, which a peer has even for collections its organisation is not in; empty when none. */
  getPrivateDataHash(collection: string, key: string): Promise<Uint8Array> {
    return this.calls.getPrivateDataHash(collection, key, this.channelId, this.txId);
  }

  putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    return this.calls.putPrivateData(collection, key, value, this.channelId, this.txId);
  }

  deletePrivateData(collection: string, key: string): Promise<void> {
    return this.calls.deletePrivateData(collection, key, this.channelId, this.txId);
  }
}
