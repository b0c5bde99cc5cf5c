/** The implicit collection of each organisation: `_implicit_org_<MSPID>`, one per org on every V2 channel. */
const PREFIX = '_implicit_org_';

export function implicitCollectionName(mspId: string): string {
  return `${PREFIX}${mspId}`;
}

/** The org an implicit collection belongs to; undefined for any other collection name. */
export function mspIdOfImplicitCollection(collection: string): string | undefined {
  return collection.startsWith(PREFIX) && collection.length > PREFIX.length ? collection.slice(PREFIX.length) : undefined;
}
