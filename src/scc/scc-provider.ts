import { randomUUID } from 'node:crypto';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { ChaincodeDeploymentSpec, ChaincodeID, ChaincodeInput, ChaincodeSpec, type Response } from '../common/protos/peer.js';
import type { CCContext, ChaincodeContainerInfo, StateSimulator, TransactionParams } from '../chaincode/chaincode-context.js';
import type { CCID } from '../container/ccintf.js';
import { SysCCRegisteredError } from '../container/container-error.js';
import type { Chaincode } from '../shim/chaincode.js';
import { SccError } from './scc-error.js';
import type { SystemChaincode } from './system-chaincode.js';
import { isWhitelisted } from './whitelist.js';

/** Registers system chaincode with the in-process VM (the in-process registry). */
export interface Registrar {
  register(ccid: CCID, chaincode: Chaincode): void;
}

/** Runs a chaincode's Init from its deployment spec, and stops chaincode (ChaincodeSupport). */
export interface ChaincodeProvider {
  executeLegacyInit(txParams: TransactionParams, cccid: CCContext, spec: ChaincodeDeploymentSpec, containerType: string): Promise<Response>;
  stop(ccci: ChaincodeContainerInfo): Promise<void>;
}

/** A channel's ledger, as far as deploying on it goes. */
export interface ChannelLedgers {
  getLedger(channelId: string): { newTxSimulator(txId: string): Promise<StateSimulator & { done(): void }> } | undefined;
}

export interface SccProviderOptions {
  registrar: Registrar;
  chaincodeProvider: ChaincodeProvider;
  ledgers: ChannelLedgers;
  /** chaincode.system */
  whitelist: Readonly<Record<string, string>>;
  /** The version system chaincodes run as (the peer's version, as in Fabric). */
  version: string;
  /** The container type of system chaincode. */
  containerType: string;
  logger: Logger;
}

const GOLANG = 1;

/**
 * The system chaincodes of the peer: registers each with the in-process VM at start, deploys
 * them on the system channel and on every channel, and answers "is this a system chaincode?".
 */
export class SccProvider {
  private readonly sysCCs: SystemChaincode[] = [];
  private readonly byName = new Map<string, SystemChaincode>();
  /** The deployment spec of each SCC, built once. */
  private readonly specs = new Map<SystemChaincode, ChaincodeDeploymentSpec>();
  private readonly logger: Logger;

  constructor(private readonly opts: SccProviderOptions) {
    this.logger = opts.logger;
  }

  /** Registers one SCC; an SCC whose name another SCC already has stops start. */
  registerSysCC(scc: SystemChaincode): boolean {
    const existing = this.byName.get(scc.name);
    if (existing !== undefined && existing !== scc) {
      throw new SccError(
        'NAME_CONFLICT',
        `system chaincode ${scc.name} (${scc.path}) conflicts with system chaincode ${existing.name} (${existing.path}): two system chaincodes cannot share a name`,
      );
    }
    if (existing === undefined) {
      this.byName.set(scc.name, scc);
      this.sysCCs.push(scc);
    }
    if (!this.isEnabled(scc)) {
      this.logger.info('registerSysCC', `system chaincode (${scc.name},${scc.path},${String(scc.enabled)}) disabled`);
      return false;
    }
    try {
      this.opts.registrar.register({ name: scc.name, version: this.opts.version }, scc.chaincode);
    } catch (err) {
      // The same chaincode registered twice: the type is there already, which is all that is needed.
      if (!(err instanceof SysCCRegisteredError)) {
        throw new SccError('REGISTER_FAILED', `could not register (${scc.path},${scc.name}): ${errorMessage(err)}`, { cause: err });
      }
    }
    this.logger.info('registerSysCC', `system chaincode ${scc.name}(${scc.path}) registered`);
    return true;
  }

  /** Deploys every registered SCC on a channel ("" for the system channel), in registration order. */
  async deploySysCCs(channelId: string): Promise<void> {
    for (const scc of this.sysCCs) await this.deploySysCC(channelId, scc);
  }

  /** Starts the SCC (once per peer) and runs its Init for the channel; a failed Init is an error. */
  async deploySysCC(channelId: string, scc: SystemChaincode): Promise<void> {
    if (!this.isEnabled(scc)) {
      this.logger.info('deploySysCC', `system chaincode (${scc.name},${scc.path}) disabled`);
      return;
    }
    const txParams: TransactionParams = { txId: randomUUID(), channelId };
    let done: (() => void) | undefined;
    if (channelId !== '') {
      const ledger = this.opts.ledgers.getLedger(channelId);
      if (ledger === undefined) {
        throw new SccError('NO_LEDGER', `syschain ${scc.name} start up failure - unexpected nil ledger for channel ${channelId}`);
      }
      const sim = await ledger.newTxSimulator(txParams.txId);
      txParams.txSimulator = sim;
      done = () => sim.done();
    }
    try {
      const cccid = { name: scc.name, version: this.opts.version };
      const resp = await this.opts.chaincodeProvider.executeLegacyInit(txParams, cccid, this.specOf(scc), this.opts.containerType);
      if (resp.getStatus() !== 200) throw new Error(resp.getMessage() || `Init returned status ${resp.getStatus()}`);
    } catch (err) {
      const reason = errorMessage(err);
      this.logger.error('deploySysCC', `system chaincode ${scc.name}/${channelId}(${scc.path}) failed to deploy: ${reason}`);
      throw new SccError('DEPLOY_FAILED', `system chaincode ${scc.name} failed to deploy on channel '${channelId}': ${reason}`, { cause: err });
    } finally {
      done?.();
    }
    this.logger.info('deploySysCC', `system chaincode ${scc.name}/${channelId}(${scc.path}) deployed`);
  }

  /** Stops the SCC's container. */
  async deDeploySysCC(scc: SystemChaincode): Promise<void> {
    await this.opts.chaincodeProvider.stop({
      name: scc.name,
      version: this.opts.version,
      path: scc.path,
      type: 'GOLANG',
      containerType: this.opts.containerType,
    });
  }

  /** Stops every running SCC; used when the peer shuts down. */
  async deDeployAll(): Promise<void> {
    for (const scc of this.sysCCs) {
      if (!this.isEnabled(scc)) continue;
      await this.deDeploySysCC(scc).catch((err: unknown) =>
        this.logger.debug('deDeploySysCC', `stopping ${scc.name}: ${errorMessage(err)}`),
      );
    }
  }

  isSysCC(name: string): boolean {
    return this.byName.has(name);
  }

  isSysCCAndNotInvokableExternal(name: string): boolean {
    const scc = this.byName.get(name);
    return scc !== undefined && !scc.invokableExternal;
  }

  isSysCCAndNotInvokableCC2CC(name: string): boolean {
    const scc = this.byName.get(name);
    return scc !== undefined && !scc.invokableCC2CC;
  }

  /** Why chaincode `caller` may not make this call to system chaincode `name`; undefined when it may or `name` is no SCC. */
  cc2ccRefusal(name: string, args: readonly Uint8Array[], caller: string): string | undefined {
    const scc = this.byName.get(name);
    if (scc === undefined) return undefined;
    if (!scc.invokableCC2CC) return `system chaincode ${name} cannot be invoked with a cc2cc invocation`;
    return scc.refuseCC2CC?.(args, caller);
  }

  /** The registered SCCs, in registration order. */
  get registered(): readonly SystemChaincode[] {
    return this.sysCCs;
  }

  private isEnabled(scc: SystemChaincode): boolean {
    return scc.enabled && isWhitelisted(this.opts.whitelist, scc.name);
  }

  private specOf(scc: SystemChaincode): ChaincodeDeploymentSpec {
    let spec = this.specs.get(scc);
    if (spec === undefined) {
      const id = new ChaincodeID();
      id.setName(scc.name);
      id.setPath(scc.path);
      const input = new ChaincodeInput();
      input.setArgsList(scc.initArgs);
      const ccSpec = new ChaincodeSpec();
      ccSpec.setType(GOLANG);
      ccSpec.setChaincodeId(id);
      ccSpec.setInput(input);
      spec = new ChaincodeDeploymentSpec();
      spec.setChaincodeSpec(ccSpec);
      this.specs.set(scc, spec);
    }
    return spec;
  }
}
