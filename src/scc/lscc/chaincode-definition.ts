import { ChaincodeData } from '../../common/protos/peer.js';

/**
 * A chaincode's definition on a channel as lscc recorded it (its key in lscc's namespace), read
 * through a transaction's state so that the read is part of it; undefined when there is none.
 */
export async function readChaincodeDefinition(
  state: { getState(namespace: string, key: string): Promise<Uint8Array | undefined> },
  name: string,
): Promise<{ name: string; version: string } | undefined> {
  const bytes = await state.getState('lscc', name);
  if (bytes === undefined || bytes.length === 0) return undefined;
  return { name, version: ChaincodeData.deserializeBinary(bytes).getVersion() };
}
