import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import { BlockMetadata, BlockMetadataIndex, type Block } from '../common/protos/common.js';
import { validationCodeName } from '../common/protos/orderer.js';
import { hashOfBlock } from '../ledger/block-hash.js';
import type { BlockSource } from './block-source.js';
import { BlockVerificationError } from './block-verification-error.js';
import { BLOCK_VALIDATION_POLICY, verifyBlock } from './block-verifier.js';
import type { BlockValidation } from './tx-validator.js';
import type { ChannelBundle } from './channel-bundle.js';

export interface CommitterOptions {
  channelId: string;
  /** How long to wait before asking the source again when it failed or ended (default 1000 ms). */
  retryDelayMs?: number;
  /** Stops the committer too, beside stop(): the peer's signal. */
  signal?: AbortSignal;
}

/** The slice of the channel's ledger the committer uses (KvLedger). */
export interface CommitLedger {
  getBlockchainInfo(): Promise<{ getHeight(): number; getCurrentblockhash_asU8(): Uint8Array }>;
  /** MVCC and duplicate checks, then the commit; keeps the codes already in TRANSACTIONS_FILTER; resolves the final codes. */
  commit(block: Block): Promise<number[]>;
}

export interface CommitterModules {
  source: BlockSource;
  ledger: CommitLedger;
  validator: { validate(block: Block, bundle: ChannelBundle): Promise<BlockValidation> };
  /**
   * The channel's config as of the ledger's last block, built with `checkExpiry: false` (Fabric's
   * committer does not refuse expired certificates); the committer moves it on at each config block.
   */
  bundle: ChannelBundle;
  /** The committer's own lines (Fabric's `committer`); the validator logs as `committer.txvalidator`. */
  logger: Logger;
  /** After a config block is committed, with the new config (the lead rebuilds the channel's bundle). */
  onConfigBlock?: (block: Block, bundle: ChannelBundle) => void | Promise<void>;
  /** After every commit, with the codes the ledger recorded (the Deliver service and waiting clients). */
  onCommitted?: (block: Block, codes: readonly number[]) => void;
}

/**
 * A channel's committer: from the ledger's height on, takes each block from the source, verifies
 * it (orderer signatures, hashes), validates its transactions, records their codes in the block's
 * TRANSACTIONS_FILTER and commits it, then tells the callbacks. A block that fails verification is
 * logged and skipped: the next good block of that number from the source is taken. A source that
 * fails or ends is asked again from the ledger's height after a pause. Nothing here stops the peer:
 * only stop() or the signal end the loop.
 */
export class Committer {
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private current: ChannelBundle;

  constructor(
    private readonly opts: CommitterOptions,
    private readonly modules: CommitterModules,
  ) {
    this.current = modules.bundle;
    opts.signal?.addEventListener('abort', () => this.controller.abort(opts.signal?.reason), { once: true });
  }

  /** The channel's config as the committer validates with it. */
  get bundle(): ChannelBundle {
    return this.current;
  }

  start(): void {
    this.running ??= this.loop().catch((err: unknown) => {
      // loop() handles its failures; this is the last guard that keeps the peer up.
      this.modules.logger.error('Committer', `[${this.opts.channelId}] committer stopped: ${errorMessage(err)}`);
    });
  }

  async stop(): Promise<void> {
    this.controller.abort(new Error('committer stopped'));
    await this.running;
  }

  private async loop(): Promise<void> {
    const { signal } = this.controller;
    const { logger } = this.modules;
    const channelId = this.opts.channelId;
    while (!this.stopped()) {
      try {
        const info = await this.modules.ledger.getBlockchainInfo();
        const expected = { channelId, number: info.getHeight(), previousHash: info.getCurrentblockhash_asU8() };
        for await (const block of this.modules.source.blocks(expected.number, signal)) {
          if (this.stopped()) break;
          if (await this.process(block, expected)) {
            expected.number++;
            expected.previousHash = hashOfBlock(block);
          }
        }
        if (this.stopped()) break;
        logger.warn('Committer', `[${channelId}] the block source ended; asking again from block [${expected.number}]`);
      } catch (err) {
        if (this.stopped()) break;
        logger.error('Committer', `[${channelId}] Got error while attempting to receive blocks: ${errorMessage(err)}`);
      }
      await sleep(this.opts.retryDelayMs ?? 1000, undefined, { signal }).catch(() => undefined);
    }
  }

  // A call, not a property read: the flag changes while the loop awaits.
  private stopped(): boolean {
    return this.controller.signal.aborted;
  }

  /** Verifies, validates and commits one block; false when it is refused (and the committer waits for another). */
  private async process(block: Block, expected: { channelId: string; number: number; previousHash: Uint8Array }): Promise<boolean> {
    const { logger } = this.modules;
    const channelId = this.opts.channelId;
    let validation: BlockValidation;
    try {
      verifyBlock(block, expected, this.current.policies.getPolicy(BLOCK_VALIDATION_POLICY));
      validation = await this.modules.validator.validate(block, this.current);
    } catch (err) {
      if (!(err instanceof BlockVerificationError)) throw err;
      const what = err.code === 'CONFIG_INVALID' ? 'could not be validated' : 'could not be verified';
      logger.error('Committer', `[${channelId}] block [${expected.number}] from orderer ${what}: ${err.message}`);
      return false;
    }
    setTransactionsFilter(block, validation.codes);
    const codes = await this.modules.ledger.commit(block);
    const invalid = codes.filter((code) => code !== 0).length;
    logger.info(
      'Committer',
      `[${channelId}] Committed block [${expected.number}] with ${codes.length} transaction(s)${invalid === 0 ? '' : `, ${invalid} invalid (${[...new Set(codes.filter((c) => c !== 0))].map(validationCodeName).join(', ')})`}`,
    );
    if (validation.configBundle !== undefined) {
      this.current = validation.configBundle;
      await this.notify('onConfigBlock', () => this.modules.onConfigBlock?.(block, validation.configBundle as ChannelBundle));
    }
    await this.notify('onCommitted', () => this.modules.onCommitted?.(block, codes));
    return true;
  }

  /** A callback's failure is logged: the block is committed whatever a listener does. */
  private async notify(name: string, call: () => void | Promise<void>): Promise<void> {
    try {
      await call();
    } catch (err) {
      this.modules.logger.error('Committer', `[${this.opts.channelId}] ${name} failed: ${errorMessage(err)}`);
    }
  }
}

/** One byte per transaction in metadata[TRANSACTIONS_FILTER], Fabric's five metadata slots kept. */
function setTransactionsFilter(block: Block, codes: readonly number[]): void {
  let metadata = block.getMetadata();
  if (metadata === undefined) {
    metadata = new BlockMetadata();
    block.setMetadata(metadata);
  }
  const slots = metadata.getMetadataList_asU8().slice();
  while (slots.length < 5) slots.push(new Uint8Array(0));
  slots[BlockMetadataIndex.TRANSACTIONS_FILTER] = Uint8Array.from(codes);
  metadata.setMetadataList(slots);
}
