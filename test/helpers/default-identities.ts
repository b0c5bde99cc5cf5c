import { defaultCryptoDir, defaultUserIdentity } from '../../src/msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';

/** A user of the default crypto a peer made under its file system path: Admin (the CLI's) or User1. */
export function defaultUser(fileSystemPath: string, user: 'Admin' | 'User1' = 'Admin'): Promise<SigningIdentity> {
  return loadSigningIdentity(defaultUserIdentity(defaultCryptoDir(fileSystemPath), user).mspDir, 'Org1MSP');
}
