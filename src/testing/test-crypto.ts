import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCryptoConfig, generateCrypto } from '../msp/cryptogen/index.js';
import { DEFAULT_ORG, defaultUserIdentity } from '../msp/default-identities.js';
import { TestNetworkError } from './test-network-error.js';

/** A client identity of the network: its MSP folder and what fabric-gateway needs from it. */
export interface TestIdentity {
  mspId: string;
  user: string;
  mspDir: string;
  /** The PEM certificate (signcerts). */
  credentials: Buffer;
  /** The PEM private key (keystore). */
  privateKeyPem: Buffer;
}

/**
 * The organisations' crypto of a test network, made by Weft's cryptogen with the layout and names
 * the peer's embedded defaults use (Org1MSP: peer0, Admin, User1..UserN; OrdererMSP: orderer), so
 * that the peer and its embedded orderer take it as their own.
 */
export class TestCrypto {
  private readonly identities = new Map<string, Promise<TestIdentity>>();

  private constructor(
    readonly cryptoDir: string,
    private readonly users: number,
  ) {}

  /** Generates the crypto under `cryptoDir` with `users` client users besides Admin. */
  static async generate(cryptoDir: string, users: number): Promise<TestCrypto> {
    const config = defaultCryptoConfig();
    await generateCrypto({ ...config, peerOrgs: config.peerOrgs.map((org) => ({ ...org, users: { count: users } })) }, cryptoDir);
    return new TestCrypto(cryptoDir, users);
  }

  /** Admin, or User1..UserN of the peer's organisation; anything else is UNKNOWN_IDENTITY. */
  async identity(org: string, user: string): Promise<TestIdentity> {
    if (org !== DEFAULT_ORG.mspId) {
      throw new TestNetworkError('UNKNOWN_IDENTITY', `the test network has one organisation, ${DEFAULT_ORG.mspId}; ${org} is not one of its members`);
    }
    const n = /^User(\d+)$/.exec(user)?.[1];
    if (user !== 'Admin' && (n === undefined || Number(n) < 1 || Number(n) > this.users)) {
      throw new TestNetworkError('UNKNOWN_IDENTITY', `${org} has Admin and User1..User${this.users}, not ${user}: start the network with a larger \`users\` option`);
    }
    let found = this.identities.get(user);
    if (found === undefined) {
      found = readIdentity(org, user, defaultUserIdentity(this.cryptoDir, user).mspDir);
      this.identities.set(user, found);
    }
    return found;
  }
}

async function readIdentity(mspId: string, user: string, mspDir: string): Promise<TestIdentity> {
  return { mspId, user, mspDir, credentials: await firstFile(join(mspDir, 'signcerts')), privateKeyPem: await firstFile(join(mspDir, 'keystore')) };
}

async function firstFile(dir: string): Promise<Buffer> {
  const [file] = (await readdir(dir)).sort();
  if (file === undefined) throw new TestNetworkError('UNKNOWN_IDENTITY', `${dir} is empty`);
  return readFile(join(dir, file));
}
