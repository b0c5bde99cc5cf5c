/** What the container layer and chaincode support share about one chaincode: its name and version. */
export interface CCID {
  name: string;
  version: string;
}

/** The container name of a chaincode (`lscc-1.4.3`), as Fabric's CCID.GetName gives it. */
export function containerName(ccid: CCID): string {
  return ccid.version === '' ? ccid.name : `${ccid.name}-${ccid.version}`;
}

/** The canonical chaincode name (`lscc:1.4.3`) handlers are registered under. */
export function canonicalName(ccid: CCID): string {
  return `${ccid.name}:${ccid.version}`;
}
