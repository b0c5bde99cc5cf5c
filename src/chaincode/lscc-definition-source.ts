import { ChaincodeData } from '../common/protos/peer.js';
import type { ChaincodeDefinition, ChaincodeDefinitionSource } from './definitions.js';

/** The committed state of a channel, as much of it as definitions need. */
export interface CommittedState {
  newQueryExecutor(): Promise<{ getState(namespace: string, key: string): Promise<Uint8Array | undefined>; done(): void }>;
}

/**
 * Definitions as the legacy lifecycle (lscc) records them: a ChaincodeData under the chaincode's
 * name in lscc's namespace of the channel's ledger.
 */
export class LsccDefinitionSource implements ChaincodeDefinitionSource {
  constructor(private readonly opts: { ledgers: { getLedger(channelId: string): CommittedState | undefined } }) {}

  async definition(channelId: string, name: string): Promise<ChaincodeDefinition | undefined> {
    const ledger = this.opts.ledgers.getLedger(channelId);
    if (ledger === undefined || name === '') return undefined;
    const qe = await ledger.newQueryExecutor();
    let bytes: Uint8Array | undefined;
    try {
      bytes = await qe.getState('lscc', name);
    } finally {
      qe.done();
    }
    if (bytes === undefined || bytes.length === 0) return undefined;
    // A definition that does not decode is data corruption: the error reaches the caller.
    const data = ChaincodeData.deserializeBinary(bytes);
    return {
      name: data.getName(),
      version: data.getVersion(),
      endorsementPolicy: data.getPolicy()?.serializeBinary() ?? new Uint8Array(0),
      validationPlugin: data.getVscc(),
      endorsementPlugin: data.getEscc(),
    };
  }
}
