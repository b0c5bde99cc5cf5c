import { LifecycleStateMetadata } from '../common/protos/lifecycle.js';
import type { PeerLedger } from '../ledger/index.js';
import { LIFECYCLE_NAMESPACE } from '../scc/lifecycle/lifecycle-namespace.js';

/** The chaincode definitions of each channel, read in full: lscc's namespace, and `_lifecycle`'s names. */
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

  /** The names `_lifecycle` defines on the channel (`namespaces/metadata/<name>`), with their data types. */
  async lifecycleNamespaces(channelId: string): Promise<Array<{ name: string; datatype: string }>> {
    const ledger = this.channels.getLedger(channelId);
    if (ledger === undefined) return [];
    const qe = await ledger.newQueryExecutor();
    const prefix = 'namespaces/metadata/';
    try {
      const found: Array<{ name: string; datatype: string }> = [];
      // '0' follows '/': the range covers exactly the keys under the prefix.
      const it = await qe.getStateRangeScanIterator(LIFECYCLE_NAMESPACE, prefix, 'namespaces/metadata0');
      for await (const kv of it) found.push({ name: kv.key.slice(prefix.length), datatype: LifecycleStateMetadata.deserializeBinary(kv.value).getDatatype() });
      return found;
    } finally {
      qe.done();
    }
  }
}
