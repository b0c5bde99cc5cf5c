import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCryptoConfig, generateCrypto } from '../msp/cryptogen/index.js';
import { DEFAULT_ORG, defaultOrgDir, defaultUserIdentity } from '../msp/default-identities.js';
import { TestNetworkError } from './test-network-error.js';
import { enrollUser } from './user-enrollment.js';

// A user's name becomes a folder and a certificate's common name: nothing that could be a path.
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

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

  /**
   * Admin, User1..UserN (made with the crypto), or any other user of the peer's organisation, its
   * certificate issued by the organisation's CA on this first request; another organisation is
   * UNKNOWN_IDENTITY.
   */
  async identity(org: string, user: string): Promise<TestIdentity> {
    if (org !== DEFAULT_ORG.mspId) {
      throw new TestNetworkError('UNKNOWN_IDENTITY', `the test network has one organisation, ${DEFAULT_ORG.mspId}; ${org} is not one of its members`);
    }
    if (!USER_NAME.test(user)) throw new TestNetworkError('UNKNOWN_IDENTITY', `"${user}" cannot be a user name: letters, digits, '.', '_' and '-' only`);
    let found = this.identities.get(user);
    if (found === undefined) {
      found = this.load(org, user);
      this.identities.set(user, found);
      // A failure is not kept: the next request tries again.
      found.catch(() => this.identities.delete(user));
    }
    return found;
  }

  private async load(org: string, user: string): Promise<TestIdentity> {
    const n = /^User(\d+)$/.exec(user)?.[1];
    const made = user === 'Admin' || (n !== undefined && Number(n) >= 1 && Number(n) <= this.users);
    const mspDir = made ? defaultUserIdentity(this.cryptoDir, user).mspDir : await enrollUser(defaultOrgDir(this.cryptoDir), DEFAULT_ORG.domain, user);
    return readIdentity(org, user, mspDir);
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
