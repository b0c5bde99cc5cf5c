import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { LsccDefinitionSource } from '../../src/chaincode/lscc-definition-source.js';
import type { BlockSource } from '../../src/channel/block-source.js';
import type { ChannelBundle } from '../../src/channel/channel-bundle.js';
import { Committer } from '../../src/channel/committer.js';
import { TxValidator } from '../../src/channel/tx-validator.js';
import { genesisBlock } from '../../src/channelconfig/config-block.js';
import { encodeChannelGroup } from '../../src/channelconfig/channel-group-encoder.js';
import type { ConfigtxProfile } from '../../src/channelconfig/configtx.js';
import { Block, BlockMetadataIndex, Envelope, Payload } from '../../src/common/protos/common.js';
import { ConfigEnvelope } from '../../src/common/protos/configtx.js';
import { validationCodeName } from '../../src/common/protos/orderer.js';
import { SignatureHeader } from '../../src/common/protos/proposal.js';
import type { PeerLedger } from '../../src/ledger/index.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { signBlock } from '../helpers/orderer-signature.js';
import { defineChaincodes, endorsedTx, nextBlock, twoOrgChannel, type TwoOrgIdentities } from '../helpers/two-org-channel.js';

/** A block source fed by the test: yields what is pushed, in order, until the signal aborts. */
class PushedBlocks implements BlockSource {
  private readonly queue: Block[] = [];
  private wake: (() => void) | undefined;
  private resolveStart: ((n: number) => void) | undefined;
  private readonly started = new Promise<number>((resolve) => (this.resolveStart = resolve));

  /** The block number the committer first asked for. */
  firstStart(): Promise<number> {
    return this.started;
  }

  push(block: Block): void {
    this.queue.push(block);
    this.wake?.();
  }

  async *blocks(startNumber: number, signal: AbortSignal): AsyncIterable<Block> {
    this.resolveStart?.(startNumber);
    while (!signal.aborted) {
      const block = this.queue.shift();
      if (block !== undefined) {
        yield block;
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }
}

/** The callbacks' calls, awaited one at a time. */
class Calls<T> {
  private readonly seen: T[] = [];
  private waiters: Array<() => void> = [];

  record(value: T): void {
    this.seen.push(value);
    for (const w of this.waiters.splice(0)) w();
  }

  async next(): Promise<T> {
    while (this.seen.length === 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.seen.shift() as T;
  }
}

describe('Committer: verify, validate, commit and tell, per channel', () => {
  let ids: TwoOrgIdentities;
  let ledger: PeerLedger;
  let bundle: ChannelBundle;
  let definitions: LsccDefinitionSource;
  let profile: ConfigtxProfile;

  before(async () => {
    ({ ids, ledger, bundle, definitions, profile } = await twoOrgChannel());
    await defineChaincodes(ledger, [{ name: 'both', version: '1.0', policy: "AND('Org1MSP.peer','Org2MSP.peer')" }]);
  });

  const running = () => {
    const { logging, lines } = captureLogging();
    const source = new PushedBlocks();
    const committed = new Calls<{ block: Block; codes: string[] }>();
    const configs = new Calls<ChannelBundle>();
    const controller = new AbortController();
    const committer = new Committer(
      { channelId: ledger.channelId, retryDelayMs: 10, signal: controller.signal },
      {
        source,
        ledger,
        validator: new TxValidator({ channelId: ledger.channelId }, { definitions, ledger, logger: logging.logger('committer.txvalidator') }),
        bundle,
        logger: logging.logger('committer'),
        onCommitted: (block, codes) => committed.record({ block, codes: codes.map(validationCodeName) }),
        onConfigBlock: (_block, next) => configs.record(next),
      },
    );
    committer.start();
    return { committer, source, committed, configs, lines, controller };
  };
  const tx = (over: Partial<Parameters<typeof endorsedTx>[1]> = {}) =>
    endorsedTx(ledger, { creator: ids.org1User, chaincode: 'both', endorsers: [ids.org1Peer, ids.org2Peer], ...over });
  const state = async (key: string): Promise<string | undefined> => {
    const qe = await ledger.newQueryExecutor();
    try {
      const value = await qe.getState('both', key);
      return value === undefined ? undefined : Buffer.from(value).toString();
    } finally {
      qe.done();
    }
  };

  test('each code lands in TRANSACTIONS_FILTER; only valid transactions write; two on one key: VALID then MVCC_READ_CONFLICT', async () => {
    const { committer, source, committed } = running();
    const valid = await tx({ reads: { both: ['k'] }, writes: { both: { k: 'first' } } });
    const conflicting = await tx({ reads: { both: ['k'] }, writes: { both: { k: 'second' } } });
    const underEndorsed = await tx({ endorsers: [ids.org1Peer], writes: { both: { a: 'x' } } });
    const forged = await tx({ writes: { both: { b: 'x' } } });
    forged.envelope.setSignature(ids.org2User.sign(forged.envelope.getPayload_asU8()));
    const block = await nextBlock(ledger, [valid.envelope, conflicting.envelope, underEndorsed.envelope, forged.envelope], ids.orderer);
    source.push(block);
    const done = await committed.next();
    const expected = ['VALID', 'MVCC_READ_CONFLICT', 'ENDORSEMENT_POLICY_FAILURE', 'BAD_CREATOR_SIGNATURE'];
    assert.deepEqual(done.codes, expected);
    const stored = await ledger.getBlockByNumber(block.getHeader()?.getNumber() ?? -1);
    assert.deepEqual([...(stored.getMetadata()?.getMetadataList_asU8()[BlockMetadataIndex.TRANSACTIONS_FILTER] ?? [])].map(validationCodeName), expected);
    assert.equal(await state('k'), 'first');
    assert.equal(await state('a'), undefined);
    assert.equal(await state('b'), undefined);
    assert.equal(validationCodeName(await ledger.getTxValidationCodeByTxID(underEndorsed.txId)), 'ENDORSEMENT_POLICY_FAILURE');
    await committer.stop();
  });

  test('a block with a bad orderer signature, or altered data, is refused and logged; the good block of that number then commits', async () => {
    const { committer, source, committed, lines } = running();
    const good = await tx({ writes: { both: { signed: 'yes' } } });
    const byPeer = signBlock(await nextBlock(ledger, [good.envelope], ids.orderer), [ids.org1Peer]);
    const altered = Block.deserializeBinary((await nextBlock(ledger, [good.envelope], ids.orderer)).serializeBinary());
    const other = await tx({ writes: { both: { signed: 'altered' } } });
    altered.getData()?.setDataList([other.envelope.serializeBinary()]);
    const number = byPeer.getHeader()?.getNumber() ?? -1;
    source.push(byPeer);
    source.push(altered);
    source.push(await nextBlock(ledger, [good.envelope], ids.orderer));
    const done = await committed.next();
    assert.equal(done.block.getHeader()?.getNumber(), number);
    assert.deepEqual(done.codes, ['VALID']);
    assert.equal(await state('signed'), 'yes');
    const refusals = lines.filter((l) => l.includes(`block [${number}] from orderer could not be verified`));
    assert.equal(refusals.length, 2, lines.join('\n'));
    assert.match(refusals[0] ?? '', /\[committer\] Committer -> ERRO .* does not satisfy the \/Channel\/Orderer\/BlockValidation policy/);
    assert.match(refusals[1] ?? '', /Header\.DataHash is different from Hash\(block\.Data\)/);
    assert.ok(lines.some((l) => l.includes(`[${ledger.channelId}] Committed block [${number}] with 1 transaction(s)`)));
    await committer.stop();
  });

  test('a config block is committed, the committer validates with the new config, and onConfigBlock is told', async () => {
    const { committer, source, committed, configs } = running();
    const block = genesisBlock(await encodeChannelGroup(profile, {}), ledger.channelId);
    const envelope = Envelope.deserializeBinary(block.getData()?.getDataList_asU8()[0] ?? new Uint8Array());
    const payload = Payload.deserializeBinary(envelope.getPayload_asU8());
    const header = payload.getHeader();
    assert.ok(header !== undefined);
    const sh = SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
    sh.setCreator(ids.orderer.serialize());
    header.setSignatureHeader(sh.serializeBinary());
    const configEnvelope = ConfigEnvelope.deserializeBinary(payload.getData_asU8());
    configEnvelope.getConfig()?.setSequence(bundle.config.sequence + 1);
    payload.setData(configEnvelope.serializeBinary());
    const signed = new Envelope();
    signed.setPayload(payload.serializeBinary());
    signed.setSignature(ids.orderer.sign(signed.getPayload_asU8()));
    source.push(await nextBlock(ledger, [signed], ids.orderer));
    const next = await configs.next();
    assert.equal(next.config.sequence, bundle.config.sequence + 1);
    assert.equal(committer.bundle, next);
    assert.deepEqual((await committed.next()).codes, ['VALID']);
    await committer.stop();
  });

  test('the source is asked from the ledger height; stop() and the signal end the loop while it waits', async () => {
    const bySignal = running();
    const byStop = running();
    const height = (await ledger.getBlockchainInfo()).getHeight();
    assert.equal(await bySignal.source.firstStart(), height);
    assert.equal(await byStop.source.firstStart(), height);
    bySignal.controller.abort();
    // Resolves once the loop has ended.
    await bySignal.committer.stop();
    await byStop.committer.stop();
  });
});
