import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the organisations' crypto of the embedded defaults lives, and who is who in it: the peer
 * runs as peer0.org1.example.com of Org1MSP, the CLI signs as Admin@org1.example.com, as in
 * Fabric's test network. Used only while peer.mspConfigPath is unset.
 */
export const DEFAULT_ORG = { mspId: 'Org1MSP', domain: 'org1.example.com', peer: 'peer0.org1.example.com' } as const;

/** The default organisation's folder in the crypto tree, as cryptogen lays it out (test-network's CRYPTO_PATH). */
export function defaultOrgDir(cryptoDir: string): string {
  return join(cryptoDir, 'peerOrganizations', DEFAULT_ORG.domain);
}

/** `<peer.fileSystemPath>/crypto`: `weft crypto generate`'s tree for the default organisations. */
export function defaultCryptoDir(fileSystemPath: string): string {
  return join(fileSystemPath, 'crypto');
}

/** The peer's MSP folder and TLS files in the default crypto. */
export function defaultPeerIdentity(cryptoDir: string): { mspDir: string; tlsDir: string } {
  const node = join(defaultOrgDir(cryptoDir), 'peers', DEFAULT_ORG.peer);
  return { mspDir: join(node, 'msp'), tlsDir: join(node, 'tls') };
}

/** A user's MSP folder and TLS files in the default crypto: Admin (the CLI's) or User1. */
export function defaultUserIdentity(cryptoDir: string, user = 'Admin'): { mspDir: string; tlsDir: string } {
  const home = join(defaultOrgDir(cryptoDir), 'users', `${user}@${DEFAULT_ORG.domain}`);
  return { mspDir: join(home, 'msp'), tlsDir: join(home, 'tls') };
}

/**
 * Makes the default organisations' crypto under `cryptoDir` where it is not there yet; resolves
 * whether it made any. Each organisation is written aside and moved in whole, so a peer and a CLI
 * starting together never see half of one.
 */
export async function ensureDefaultCrypto(cryptoDir: string): Promise<boolean> {
  if (existsSync(defaultOrgDir(cryptoDir))) return false;
  // Loaded only to generate: its x509 and ASN.1 libraries would cost every CLI call and restart ~5 ms.
  const { defaultCryptoConfig, generateCrypto } = await import('./cryptogen/index.js');
  const orgs = await generateCrypto(defaultCryptoConfig(), cryptoDir);
  return orgs.some((org) => org.generated);
}

/** The orderer node of the default crypto: orderer.example.com of OrdererMSP, as in Fabric's test network. */
export const DEFAULT_ORDERER = { mspId: 'OrdererMSP', domain: 'example.com', node: 'orderer.example.com' } as const;

/** The orderer's MSP folder and TLS files in the default crypto. */
export function defaultOrdererIdentity(cryptoDir: string): { mspDir: string; tlsDir: string } {
  const node = join(cryptoDir, 'ordererOrganizations', DEFAULT_ORDERER.domain, 'orderers', DEFAULT_ORDERER.node);
  return { mspDir: join(node, 'msp'), tlsDir: join(node, 'tls') };
}
