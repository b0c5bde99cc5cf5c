import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LsccDefinitionSource } from '../../../src/chaincode/lscc-definition-source.js';
import type { BlockSource } from '../../../src/channel/block-source.js';
import { ChannelBundle } from '../../../src/channel/channel-bundle.js';
import { Committer } from '../../../src/channel/committer.js';
import { TxValidator } from '../../../src/channel/tx-validator.js';
import { Block, BlockMetadataIndex } from '../../../src/common/protos/common.js';
import { ApplicationPolicy, QueryChaincodeDefinitionArgs, QueryChaincodeDefinitionResult } from '../../../src/common/protos/lifecycle.js';
import { validationCodeName } from '../../../src/common/protos/orderer.js';
import { hashOfBlock, KvLedgerProvider, type PeerLedger } from '../../../src/ledger/index.js';
import { LifecycleCollections } from '../../../src/scc/lifecycle/lifecycle-collections.js';
import { LifecycleDefinitionSource } from '../../../src/scc/lifecycle/lifecycle-definition-source.js';
import { LifecycleScc } from '../../../src/scc/lifecycle/lifecycle-scc.js';
import { LsccCollectionStore } from '../../../src/scc/lscc/collection-config.js';
import { lifecycleChannelOf } from '../../../src/peer/lifecycle-wiring.js';
import { captureLogging } from '../../helpers/capture-logging.js';
import { readFixtureBlocks } from '../../helpers/fabric-fixture.js';
import { testStack } from '../../helpers/stack.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** Hands the committer the fixture's blocks from the number it asks for. */
class FixtureBlocks implements BlockSource {
  constructor(private readonly all: readonly Block[]) {}

  async *blocks(startNumber: number, signal: AbortSignal): AsyncIterable<Block> {
    for (const block of this.all.slice(startNumber)) {
      if (signal.aborted) return;
      yield Block.deserializeBinary(block.serializeBinary());
    }
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}

const filterOf = (block: Block): string[] =>
  [...(block.getMetadata()?.getMetadataList_asU8()[BlockMetadataIndex.TRANSACTIONS_FILTER] ?? [])].map(validationCodeName);

describe("a fresh peer replays a real Fabric 2.4.9 channel: _lifecycle's approve and commit, then the chaincode's transactions", () => {
  let blocks: Block[];
  let ledger: PeerLedger;
  const committedCodes: string[][] = [];
  const { logging, lines } = captureLogging();
  let closeLedgers: () => Promise<void> = async () => undefined;
  after(() => closeLedgers());

  before(async () => {
    blocks = await readFixtureBlocks();
    const provider = await KvLedgerProvider.start({
      rootPath: await tempDir('weft-fixture-replay-'),
      sync: false,
      collections: new LifecycleCollections('Org1MSP', new LsccCollectionStore('Org1MSP')),
    });
    closeLedgers = () => provider.close();
    ledger = await provider.create(blocks[0] as Block);
    const definitions = new LifecycleDefinitionSource({ ledgers: { getLedger: () => ledger }, localMspId: 'Org1MSP', legacy: new LsccDefinitionSource({ ledgers: { getLedger: () => ledger } }) });
    const controller = new AbortController();
    const done = new Promise<void>((resolve) => {
      const committer = new Committer(
        { channelId: 'mychannel', retryDelayMs: 10, signal: controller.signal },
        {
          source: new FixtureBlocks(blocks),
          ledger,
          validator: new TxValidator({ channelId: 'mychannel' }, { definitions, ledger, logger: logging.logger('committer.txvalidator') }),
          bundle: ChannelBundle.fromBlock(blocks[0] as Block, { deferMsps: true, checkExpiry: false }),
          logger: logging.logger('committer'),
          onCommitted: (block, codes) => {
            committedCodes.push(codes.map(validationCodeName));
            if ((block.getHeader()?.getNumber() ?? 0) === blocks.length - 1) resolve();
          },
        },
      );
      committer.start();
    });
    const timer = setTimeout(() => controller.abort(), 60_000);
    await Promise.race([done, new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }))]);
    clearTimeout(timer);
    controller.abort();
  });

  test('every transaction is VALID, as Fabric found it, and the chain has the same hashes', async () => {
    assert.equal(committedCodes.length, 25, lines.join('\n'));
    for (let n = 1; n < blocks.length; n++) {
      const fabric = filterOf(blocks[n] as Block);
      assert.ok(fabric.every((code) => code === 'VALID'));
      assert.deepEqual(committedCodes[n - 1], fabric, `block ${n}`);
      const stored = await ledger.getBlockByNumber(n);
      assert.deepEqual(filterOf(stored), fabric);
      assert.deepEqual(Buffer.from(hashOfBlock(stored)), Buffer.from(hashOfBlock(blocks[n] as Block)), `hash of block ${n}`);
    }
    assert.equal(lines.filter((l) => l.includes('Invalid transaction')).length, 0, lines.join('\n'));
  });

  test("querycommitted (QueryChaincodeDefinition) shows the definition Fabric's _lifecycle committed", async () => {
    const bundle = ChannelBundle.fromBlock(blocks[0] as Block, { deferMsps: true, checkExpiry: false });
    const scc = new LifecycleScc({
      localMspId: 'Org1MSP',
      packages: { install: async () => ({ packageId: '', label: '' }), get: () => undefined, list: () => [], load: async () => undefined },
      channel: () => lifecycleChannelOf(bundle),
      definedNamespaces: async () => [{ name: 'kvcc', datatype: 'ChaincodeDefinition' }],
      acl: { checkACL: () => undefined },
      logger: logging.logger('lifecycle'),
    });
    const stack = testStack();
    const ccci = stack.add(scc.name, scc.chaincode);
    const input = new (await import('../../../src/common/protos/peer.js')).ChaincodeInput();
    const args = new QueryChaincodeDefinitionArgs();
    args.setName('kvcc');
    input.setArgsList([Buffer.from('QueryChaincodeDefinition'), args.serializeBinary()]);
    const sim = await ledger.newTxSimulator('query-kvcc');
    try {
      const { response } = await stack.chaincodeSupport.execute({ txId: 'query-kvcc', channelId: 'mychannel', txSimulator: sim }, { name: '_lifecycle', version: '1.0' }, input, ccci);
      assert.equal(response.getStatus(), 200, response.getMessage());
      const result = QueryChaincodeDefinitionResult.deserializeBinary(response.getPayload_asU8());
      assert.equal(result.getSequence(), 1);
      assert.equal(result.getVersion(), '1.0');
      assert.equal(result.getEndorsementPlugin(), 'escc');
      assert.equal(result.getValidationPlugin(), 'vscc');
      assert.equal(result.getInitRequired(), false);
      assert.equal(ApplicationPolicy.deserializeBinary(result.getValidationParameter_asU8()).getChannelConfigPolicyReference(), '/Channel/Application/Endorsement');
      // Org1's approval, committed as hashes in block 1, matches the definition hash for hash.
      assert.deepEqual(Object.fromEntries(result.getApprovalsMap().toObject()), { Org1MSP: true });
    } finally {
      sim.done();
    }
  });
});
