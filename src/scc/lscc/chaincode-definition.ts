import jspb from 'google-protobuf';

// lscc's record of a chaincode (ChaincodeData): its version is field 2.
const VERSION_FIELD = 2;

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
  return { name, version: chaincodeDataVersion(bytes) };
}

/**
 * The version field of a serialized ChaincodeData, read off the wire without decoding the rest
 * (its policies, its instantiation policy): the endorser asks it for each proposal of an lscc chaincode.
 */
function chaincodeDataVersion(bytes: Uint8Array): string {
  const reader = new jspb.BinaryReader(bytes);
  let version = '';
  while (reader.nextField() && !reader.isEndGroup()) {
    if (reader.getFieldNumber() === VERSION_FIELD) version = reader.readString();
    else reader.skipField();
  }
  return version;
}
