import type { ChaincodeDefinition, ChaincodeDefinitionSource } from '../chaincode/definitions.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { Block } from '../common/protos/common.js';
import { TxValidationCode, validationCodeName } from '../common/protos/orderer.js';
import type { Policy } from '../policies/policy.js';
import type { SignedData } from '../policies/signed-data.js';
import { BlockVerificationError } from './block-verification-error.js';
import { summarizeAction, type ChaincodeActionSummary } from './chaincode-action.js';
import { ChannelBundle } from './channel-bundle.js';
import { EndorsementPolicies } from './endorsement-policies.js';
import { checkEnvelope, type CheckedEndorserTx, type Refusal } from './envelope-checks.js';
import { lsccInvocationOf, lsccInvocationProblem, type LsccInvocation } from './lscc-invocation.js';
import type { ParsedNamespaceRwSet } from '../ledger/rwset-codec.js';
import { mspIdOfImplicitCollection } from '../chaincode/implicit-collection.js';

export interface TxValidatorOptions {
  channelId: string;
  /** The system chaincodes of the peer (default: lscc, cscc, qscc, _lifecycle). */
  systemChaincodes?: readonly string[];
}

export interface TxValidatorModules {
  definitions: ChaincodeDefinitionSource;
  /** The channel's ledger: a txid already committed makes a duplicate. */
  ledger: { txIdExists(txId: string): Promise<boolean> };
  /** Fabric's `committer.txvalidator`. */
  logger: Logger;
}

export interface BlockValidation {
  /** One TxValidationCode per transaction, in block order. */
  codes: number[];
  /** For a config block: the channel's new config, checked, with expiry not enforced. */
  configBundle: ChannelBundle | undefined;
}

const codes = TxValidationCode;
const { VALID, NOT_VALIDATED, DUPLICATE_TXID } = codes;
const DEFAULT_SYSTEM_CHAINCODES = ['lscc', 'cscc', 'qscc', '_lifecycle'];
const LIFECYCLE_ENDORSEMENT = '/Channel/Application/LifecycleEndorsement';

/** An endorser transaction on its way through the checks. */
interface Pending {
  index: number;
  tx: CheckedEndorserTx;
  summary?: ChaincodeActionSummary;
  lscc?: LsccInvocation;
}

/**
 * The validation of a block's transactions, as Fabric's committer does it (txvalidator/v20 with
 * the built-in VSCC, and lscc's rules of Fabric 1.x): per transaction, the envelope checks, a
 * txid not already on the ledger, then, for each namespace it writes, the chaincode's definition
 * and endorsement policy; lscc deploys and upgrades are checked as Fabric 1.x's VSCC checks them.
 * The checks are ordered as Fabric's, so each transaction gets Fabric's code. MVCC conflicts and
 * duplicates against earlier blocks are the ledger's (KvLedger.commit keeps the codes set here).
 * Signatures are checked in a plain loop on this thread: see bench/validate.ts for the figures.
 */
export class TxValidator {
  private readonly channelId: string;
  private readonly system: ReadonlySet<string>;
  private readonly policies = new EndorsementPolicies();

  constructor(
    opts: TxValidatorOptions,
    private readonly modules: TxValidatorModules,
  ) {
    this.channelId = opts.channelId;
    this.system = new Set(opts.systemChaincodes ?? DEFAULT_SYSTEM_CHAINCODES);
  }

  /**
   * Codes for every transaction of the block, checked against `bundle` (the channel's config as of
   * the previous block). Throws BlockVerificationError CONFIG_INVALID when a config block's config
   * cannot be the channel's next.
   */
  async validate(block: Block, bundle: ChannelBundle): Promise<BlockValidation> {
    const started = performance.now();
    const number = block.getHeader()?.getNumber() ?? 0;
    const data = block.getData()?.getDataList_asU8() ?? [];
    const result: number[] = data.map(() => NOT_VALIDATED);
    const pending: Pending[] = [];
    let configBundle: ChannelBundle | undefined;
    // All of the block's envelopes at once: their creators' signatures are checked in parallel.
    const envelopes = await Promise.all(data.map((bytes) => checkEnvelope(bytes, this.channelId, bundle.msps)));
    envelopes.forEach((checked, index) => {
      if ('code' in checked) {
        result[index] = this.refuse(number, index, checked);
      } else if (checked.kind === 'config') {
        configBundle = this.checkConfig(block, bundle);
        result[index] = VALID;
      } else {
        pending.push({ index, tx: checked });
      }
    });

    const onLedger = await Promise.all(pending.map(({ tx }) => this.modules.ledger.txIdExists(tx.txId)));
    const live = pending.filter((p, i) => {
      if (onLedger[i] === true) {
        result[p.index] = this.refuse(number, p.index, { code: DUPLICATE_TXID, reason: `Duplicate transaction found, ${p.tx.txId}, skipping`, txId: p.tx.txId });
        return false;
      }
      const summary = summarizeAction(p.tx);
      if ('code' in summary) {
        result[p.index] = this.refuse(number, p.index, summary);
        return false;
      }
      p.summary = summary;
      return true;
    });

    const definitions = await this.definitionsFor(live);
    for (const p of live) {
      const refusal = this.dispatch(p, definitions, bundle);
      result[p.index] = refusal === undefined ? VALID : this.refuse(number, p.index, refusal);
    }
    this.markInBlockDuplicates(number, pending, result);
    const skipped = result.indexOf(NOT_VALIDATED);
    if (skipped >= 0) throw new Error(`transaction ${skipped} in block ${number} has skipped validation`);
    this.modules.logger.info('Validate', `[${this.channelId}] Validated block [${number}] in ${Math.round(performance.now() - started)}ms`);
    return { codes: result, configBundle };
  }

  /** The definitions the transactions need: of each namespace written, and of each chaincode an lscc deploy names. */
  private async definitionsFor(live: Pending[]): Promise<Map<string, ChaincodeDefinition | undefined>> {
    const names = new Set<string>();
    for (const p of live) {
      const summary = p.summary;
      if (summary === undefined) continue;
      if (summary.chaincodeName === 'lscc') {
        const invocation = lsccInvocationOf(p.tx);
        if (!('code' in invocation)) {
          p.lscc = invocation;
          names.add(invocation.name);
        }
      } else if (!this.system.has(summary.chaincodeName)) {
        for (const ns of summary.written) if (!this.system.has(ns)) names.add(ns);
      }
    }
    const found = await Promise.all([...names].map(async (name) => [name, await this.modules.definitions.definition(this.channelId, name)] as const));
    return new Map(found);
  }

  /** Fabric's plugin dispatch: which policies the transaction must satisfy, and lscc's own rules. */
  private dispatch(p: Pending, definitions: ReadonlyMap<string, ChaincodeDefinition | undefined>, bundle: ChannelBundle): Refusal | undefined {
    const summary = p.summary as ChaincodeActionSummary;
    const { tx } = p;
    const cc = summary.chaincodeName;
    if (!this.system.has(cc)) return this.applicationProblem(tx, summary, definitions, bundle);
    if (cc === 'lscc') {
      const invocation = p.lscc ?? lsccInvocationOf(tx);
      if ('code' in invocation) return invocation;
      const refused = this.endorsementProblem(tx, this.policies.anyMember(bundle));
      if (refused !== undefined) return refused;
      const problem = lsccInvocationProblem(tx, invocation, summary, definitions.get(invocation.name), bundle.instantiationPolicy);
      return problem === undefined ? undefined : { code: codes.ENDORSEMENT_POLICY_FAILURE, reason: problem, txId: tx.txId };
    }
    if (cc === '_lifecycle') return this.lifecycleProblem(tx, summary, bundle);
    // cscc and qscc answer queries: a transaction of theirs that writes has no legitimate source.
    if (summary.namespaces.some((ns) => ns.writes.length > 0 || ns.metadataWrites.length > 0)) {
      return { code: codes.ILLEGAL_WRITESET, reason: `committing an invocation of cc ${cc} is illegal`, txId: tx.txId };
    }
    return this.endorsementProblem(tx, this.policies.anyMember(bundle));
  }

  /** An application chaincode's transaction: no system namespace written; each namespace written defined and its policy satisfied. */
  private applicationProblem(
    tx: CheckedEndorserTx,
    summary: ChaincodeActionSummary,
    definitions: ReadonlyMap<string, ChaincodeDefinition | undefined>,
    bundle: ChannelBundle,
  ): Refusal | undefined {
    const cc = summary.chaincodeName;
    const txId = tx.txId;
    for (const ns of summary.written) {
      if (ns === 'lscc') return { code: codes.ILLEGAL_WRITESET, reason: `chaincode ${cc} attempted to write to the namespace of LSCC`, txId };
      if (this.system.has(ns)) {
        return { code: codes.ILLEGAL_WRITESET, reason: `chaincode ${cc} attempted to write to the namespace of system chaincode ${ns}`, txId };
      }
    }
    for (const ns of summary.written) {
      const definition = definitions.get(ns);
      if (definition === undefined) return { code: codes.INVALID_CHAINCODE, reason: `chaincode ${ns} not found`, txId };
      // lscc's rule: a transaction endorsed on an older version expires. `_lifecycle`'s definitions have their sequence instead.
      if (ns === cc && definition.sequence === undefined && definition.version !== summary.chaincodeVersion) {
        return {
          code: codes.EXPIRED_CHAINCODE,
          reason: `chaincode ${cc}:${summary.chaincodeVersion}/${this.channelId} didn't match ${cc}:${definition.version}/${this.channelId} in lscc`,
          txId,
        };
      }
      const nsRwSet = summary.namespaces.find((n) => n.namespace === ns);
      for (const policy of this.writePolicies(nsRwSet, bundle, () => this.policyOf(definition, bundle), definition)) {
        const refused = this.endorsementProblem(tx, policy);
        if (refused !== undefined) return { ...refused, reason: `${refused.reason} (namespace ${ns})` };
      }
    }
    return undefined;
  }

  /**
   * `_lifecycle`'s own transactions: a definition (public writes) needs the channel's
   * LifecycleEndorsement policy; an org's approval (its implicit collection) that org's
   * Endorsement policy, as Fabric's validator asks. `_lifecycle` writes no other namespace.
   */
  private lifecycleProblem(tx: CheckedEndorserTx, summary: ChaincodeActionSummary, bundle: ChannelBundle): Refusal | undefined {
    for (const ns of summary.namespaces) {
      if (!writesTo(ns)) continue;
      if (ns.namespace !== '_lifecycle') {
        return { code: codes.ILLEGAL_WRITESET, reason: `chaincode _lifecycle attempted to write to the namespace of ${ns.namespace}`, txId: tx.txId };
      }
      for (const policy of this.writePolicies(ns, bundle, () => bundle.policies.getPolicy(LIFECYCLE_ENDORSEMENT))) {
        const refused = this.endorsementProblem(tx, policy);
        if (refused !== undefined) return refused;
      }
    }
    return undefined;
  }

  /**
   * The policies a namespace's writes must satisfy: the namespace's own for its public writes and
   * for collections without a policy of their own; an org's implicit collection, that org's
   * Endorsement policy; a collection configured with an endorsement policy, that one. (A
   * definition from lscc has neither: its policy covers every write.)
   */
  private writePolicies(
    ns: ParsedNamespaceRwSet | undefined,
    bundle: ChannelBundle,
    own: () => Policy | undefined,
    definition?: ChaincodeDefinition,
  ): Array<Policy | undefined> {
    if (ns === undefined) return [own()];
    const lifecycleRules = definition === undefined || definition.sequence !== undefined;
    const policies = new Set<Policy | undefined>();
    let needsOwn = ns.writes.length > 0 || ns.metadataWrites.length > 0;
    for (const c of ns.collectionHashes) {
      if (c.writes.length === 0 && c.metadataWrites.length === 0) continue;
      const special = lifecycleRules ? this.collectionPolicy(c.collection, bundle, definition) : undefined;
      if (special === undefined) needsOwn = true;
      else policies.add(special.policy);
    }
    if (needsOwn) policies.add(own());
    return [...policies];
  }

  /** A collection's own endorsement policy, when it has one (undefined policy: it names one the channel lacks). */
  private collectionPolicy(collection: string, bundle: ChannelBundle, definition: ChaincodeDefinition | undefined): { policy: Policy | undefined } | undefined {
    const mspId = mspIdOfImplicitCollection(collection);
    if (mspId !== undefined) return { policy: this.orgPolicy(mspId, bundle) };
    if (definition?.collections === undefined || definition.collections.length === 0) return undefined;
    try {
      return this.policies.collectionPolicy(definition, collection, bundle);
    } catch (err) {
      this.modules.logger.error('Validate', `[${this.channelId}] endorsement policy of collection ${collection} does not compile: ${errorMessage(err)}`);
      return { policy: undefined };
    }
  }

  /** An org's Endorsement policy, or one signature of its member where the org defines none; undefined for an org not on the channel. */
  private orgPolicy(mspId: string, bundle: ChannelBundle): Policy | undefined {
    const org = bundle.config.applicationOrgs.find((o) => o.mspId === mspId);
    if (org === undefined) return undefined;
    return bundle.policies.getPolicy(`/Channel/Application/${org.name}/Endorsement`) ?? this.policies.anyMemberOf(bundle, [mspId]);
  }

  /** Do the endorsements satisfy the policy? Each endorsement signs the response payload followed by the endorser's identity. */
  private endorsementProblem(tx: CheckedEndorserTx, policy: Policy | undefined): Refusal | undefined {
    const signed: SignedData[] = tx.endorsements.map(({ endorser, signature }) => ({
      data: Buffer.concat([tx.responsePayloadBytes, endorser]),
      identity: endorser,
      signature,
    }));
    try {
      if (policy === undefined) throw new Error('no such policy');
      policy.evaluateSignedData(signed);
      return undefined;
    } catch (err) {
      return { code: codes.ENDORSEMENT_POLICY_FAILURE, reason: `VSCC error: endorsement policy failure, err: ${errorMessage(err)}`, txId: tx.txId };
    }
  }

  /** A definition's endorsement policy; undefined (logged) when it does not compile. */
  private policyOf(definition: ChaincodeDefinition, bundle: ChannelBundle): Policy | undefined {
    try {
      return this.policies.policyOf(definition, bundle);
    } catch (err) {
      this.modules.logger.error('Validate', `[${this.channelId}] endorsement policy of chaincode ${definition.name} does not compile: ${errorMessage(err)}`);
      return undefined;
    }
  }

  /**
   * A config transaction: its config must become the channel's next, as Fabric's validator applies
   * it to the channel's resources: loadable (MSPs, policies), of this channel, the next sequence.
   */
  private checkConfig(block: Block, current: ChannelBundle): ChannelBundle {
    const number = block.getHeader()?.getNumber() ?? 0;
    let next: ChannelBundle;
    try {
      next = ChannelBundle.fromBlock(block, { checkExpiry: false });
    } catch (err) {
      throw configInvalid(number, errorMessage(err), err);
    }
    if (next.channelId !== this.channelId) throw configInvalid(number, `the config is of channel ${next.channelId}`);
    if (next.config.sequence !== current.config.sequence + 1) {
      throw configInvalid(number, `config sequence is ${next.config.sequence}, the channel's next is ${current.config.sequence + 1}`);
    }
    return next;
  }

  /** A txid seen in a valid transaction earlier in the block makes a later one a duplicate. */
  private markInBlockDuplicates(number: number, pending: readonly Pending[], result: number[]): void {
    const seen = new Set<string>();
    for (const { index, tx } of pending) {
      if (result[index] !== VALID) continue;
      if (seen.has(tx.txId)) result[index] = this.refuse(number, index, { code: DUPLICATE_TXID, reason: `Duplicate txid ${tx.txId} found, skipping`, txId: tx.txId });
      seen.add(tx.txId);
    }
  }

  private refuse(number: number, index: number, refusal: Refusal): number {
    const txid = refusal.txId === undefined ? '' : ` txid [${refusal.txId}]`;
    this.modules.logger.error(
      'validateTx',
      `[${this.channelId}] Invalid transaction with index ${index} in block [${number}]${txid}: ${refusal.reason} -> ${validationCodeName(refusal.code)}`,
    );
    return refusal.code;
  }
}

/** Does the transaction write to this namespace: keys, metadata, or a collection's? */
function writesTo(ns: ParsedNamespaceRwSet): boolean {
  return ns.writes.length > 0 || ns.metadataWrites.length > 0 || ns.collectionHashes.some((c) => c.writes.length > 0 || c.metadataWrites.length > 0);
}

function configInvalid(number: number, reason: string, cause?: unknown): BlockVerificationError {
  return new BlockVerificationError('CONFIG_INVALID', `error validating config which passed initial validity checks in block [${number}]: ${reason}`, { cause });
}
