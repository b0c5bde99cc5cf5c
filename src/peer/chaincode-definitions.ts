import type { PeerLedger } from '../ledger/index.js';

/** The chaincode definitions of each channel, read from lscc's namespace of its ledger. */
export class ChaincodeDefinitions {
  constructor(private readonly channels: { getLedger(channelId: string): PeerLedger | undefined }) {}

  async definitions(channelId: string): Promise<Array<{ key: string; value: Uint8Array }>> {
    const ledger = this.channels.getLedger(channelId);
    if (ledger === undefined) return [];
    const qe = await ledger.newQueryExecutor();
    try {
      const found: Array<{ key: string; value: Uint8Array }> = [];
      const it = await qe.getStateRangeScanIterator('lscc', '', '');
      for await (const kv of it) found.push({ key: kv.key, value: kv.value });
      return found;
    } finally {
      qe.done();
    }
  }
}
