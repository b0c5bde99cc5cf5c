import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultCryptoConfig, generateCrypto, readCryptoConfig, type CryptoConfig } from '../../../src/msp/cryptogen/index.js';
import { tempDir } from '../../helpers/temp-dir.js';
import {
  FABRIC_CRYPTO,
  FABRIC_FIXTURE,
  P256_HALF_ORDER,
  certStructure,
  certText,
  keyMatches,
  listTree,
  openssl,
  readCert,
  signatureOf,
} from './crypto-tree.js';

const ORG1 = 'peerOrganizations/org1.example.com';
const ORDERER_ORG = 'ordererOrganizations/example.com';

/** Runs openssl verify on every file against `caFile`; each must come back OK. */
async function assertIssuedBy(dir: string, caFile: string, files: string[]): Promise<void> {
  const out = await openssl('verify', '-CAfile', join(dir, caFile), ...files.map((f) => join(dir, f)));
  assert.equal(out.split('\n').filter((l) => l.endsWith(': OK')).length, files.length, out);
}

describe("generateCrypto with the fixture's crypto-config.yaml", async () => {
  const out = await tempDir('weft-cryptogen-');
  const config = await readCryptoConfig(join(FABRIC_FIXTURE, 'crypto-config.yaml'));
  const orgs = await generateCrypto(config, out);
  const ours = await listTree(out);
  const fabric = await listTree(FABRIC_CRYPTO);

  it('reports the orgs it generated, peer orgs first', () => {
    assert.deepEqual(
      orgs.map((o) => [o.kind, o.domain, o.generated]),
      [
        ['peer', 'org1.example.com', true],
        ['orderer', 'example.com', true],
      ],
    );
  });

  it('writes the same files as Fabric cryptogen; its only extra folders are the empty admincerts cryptogen makes too', () => {
    assert.deepEqual(ours.files, fabric.files);
    const extra = ours.dirs.filter((d) => !fabric.dirs.includes(d));
    assert.ok(extra.every((d) => d.endsWith('/msp/admincerts')), extra.join(', '));
    assert.ok(fabric.dirs.every((d) => ours.dirs.includes(d)));
  });

  it('issues certificates with the same subjects, SANs, key usages and extensions, encoded the same way', async () => {
    const certs = fabric.files.filter((f) => f.endsWith('.pem') || f.endsWith('.crt'));
    assert.ok(certs.length > 20);
    for (const f of certs) {
      assert.equal(await certText(join(out, f)), await certText(join(FABRIC_CRYPTO, f)), f);
      assert.equal(await certStructure(join(out, f)), await certStructure(join(FABRIC_CRYPTO, f)), f);
    }
  });

  it('writes NodeOUs config.yaml files equal to cryptogen\'s', async () => {
    for (const f of fabric.files.filter((f) => f.endsWith('config.yaml'))) {
      assert.equal(await readFile(join(out, f), 'utf8'), await readFile(join(FABRIC_CRYPTO, f), 'utf8'), f);
    }
  });

  it('chains every enrollment certificate to its CA and every TLS certificate to its TLS CA', async () => {
    for (const org of [ORG1, ORDERER_ORG]) {
      const domain = org.split('/')[1] ?? '';
      const mine = ours.files.filter((f) => f.startsWith(`${org}/`));
      await assertIssuedBy(out, `${org}/ca/ca.${domain}-cert.pem`, mine.filter((f) => /\/(signcerts|admincerts|cacerts)\//.test(f)));
      await assertIssuedBy(out, `${org}/tlsca/tlsca.${domain}-cert.pem`, mine.filter((f) => /\/tls\/.*\.crt$|\/tlscacerts\//.test(f)));
    }
  });

  it('gives every certificate its key (PKCS#8, mode 0600) and low-S signatures', async () => {
    const pairs: Array<[string, string]> = [];
    for (const f of ours.files) {
      if (f.endsWith('/msp/keystore/priv_sk')) {
        const node = f.slice(0, -'/msp/keystore/priv_sk'.length);
        const name = node.split('/').pop() ?? '';
        pairs.push([f, `${node}/msp/signcerts/${name}-cert.pem`]);
      } else if (/\/tls\/(server|client)\.key$/.test(f)) pairs.push([f, f.replace(/\.key$/, '.crt')]);
      else if (/^[^/]+\/[^/]+\/(ca|tlsca)\/priv_sk$/.test(f)) {
        const [kind = '', domain = '', dir = ''] = f.split('/');
        pairs.push([f, `${kind}/${domain}/${dir}/${dir}.${domain}-cert.pem`]);
      }
    }
    assert.equal(pairs.length, 14);
    for (const [key, cert] of pairs) {
      assert.ok(await keyMatches(join(out, key), join(out, cert)), `${key} / ${cert}`);
      assert.match(await readFile(join(out, key), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
      assert.equal((await stat(join(out, key))).mode & 0o777, 0o600, key);
      const { s } = signatureOf(await readCert(join(out, cert)));
      assert.ok(s <= P256_HALF_ORDER, `${cert} has a high-S signature`);
    }
  });

  it('copies the CA certificates and, without NodeOUs, the admin certificate where cryptogen does', async () => {
    const same = async (a: string, b: string): Promise<void> => assert.equal(await readFile(join(out, a), 'utf8'), await readFile(join(out, b), 'utf8'), `${a} = ${b}`);
    await same(`${ORG1}/msp/cacerts/ca.org1.example.com-cert.pem`, `${ORG1}/ca/ca.org1.example.com-cert.pem`);
    await same(`${ORG1}/peers/peer0.org1.example.com/tls/ca.crt`, `${ORG1}/tlsca/tlsca.org1.example.com-cert.pem`);
    const admin = `${ORDERER_ORG}/users/Admin@example.com/msp/signcerts/Admin@example.com-cert.pem`;
    await same(`${ORDERER_ORG}/msp/admincerts/Admin@example.com-cert.pem`, admin);
    await same(`${ORDERER_ORG}/orderers/orderer.example.com/msp/admincerts/Admin@example.com-cert.pem`, admin);
  });

  it('dates certificates as cryptogen does: from the minute, backdated 5 minutes, for 3650 days', async () => {
    const cert = await readCert(join(out, `${ORG1}/peers/peer0.org1.example.com/tls/server.crt`));
    const from = new Date(cert.validFrom).getTime();
    assert.equal(from % 60_000, 0);
    assert.ok(Math.abs(Date.now() - 5 * 60_000 - from) <= 60_000);
    assert.equal(new Date(cert.validTo).getTime() - from, 3650 * 24 * 3600_000);
  });
});

describe('generateCrypto with the default configuration', async () => {
  const out = await tempDir('weft-cryptogen-');
  const started = performance.now();
  await generateCrypto(defaultCryptoConfig(), out);
  const elapsed = performance.now() - started;

  it('is fast enough for a peer to run on its first start', () => {
    process.stdout.write(`# default crypto generated in ${elapsed.toFixed(0)} ms\n`);
    assert.ok(elapsed < 2000, `${elapsed} ms`);
  });

  it("makes test-network's Org1MSP and orderer org with NodeOUs: OUs in the certificates, config.yaml, no admincerts", async () => {
    const { files } = await listTree(out);
    const fabric = (await listTree(FABRIC_CRYPTO)).files;
    // The fixture's orderer org is without NodeOUs; with them, admincerts give way to config.yaml.
    const expected = fabric
      .filter((f) => !f.includes('/admincerts/'))
      .concat(fabric.filter((f) => f.startsWith(ORDERER_ORG) && f.endsWith('/msp/cacerts/ca.example.com-cert.pem')).map((f) => f.replace(/cacerts\/.*$/, 'config.yaml')))
      .sort();
    assert.deepEqual(files, expected);
    const subject = async (f: string): Promise<string> => (await readCert(join(out, f))).subject.replace(/\n/g, ', ');
    assert.equal(await subject(`${ORG1}/peers/peer0.org1.example.com/msp/signcerts/peer0.org1.example.com-cert.pem`), 'C=US, ST=California, L=San Francisco, OU=peer, CN=peer0.org1.example.com');
    assert.equal(await subject(`${ORG1}/users/Admin@org1.example.com/msp/signcerts/Admin@org1.example.com-cert.pem`), 'C=US, ST=California, L=San Francisco, OU=admin, CN=Admin@org1.example.com');
    assert.equal(await subject(`${ORG1}/users/User1@org1.example.com/msp/signcerts/User1@org1.example.com-cert.pem`), 'C=US, ST=California, L=San Francisco, OU=client, CN=User1@org1.example.com');
    assert.equal(await subject(`${ORDERER_ORG}/orderers/orderer.example.com/msp/signcerts/orderer.example.com-cert.pem`), 'C=US, ST=California, L=San Francisco, OU=orderer, CN=orderer.example.com');
    assert.equal(await subject(`${ORDERER_ORG}/ca/ca.example.com-cert.pem`), 'C=US, ST=California, L=San Francisco, O=example.com, CN=ca.example.com');
    const orderer = await readCert(join(out, `${ORDERER_ORG}/orderers/orderer.example.com/tls/server.crt`));
    assert.equal(orderer.subjectAltName, 'DNS:orderer.example.com, DNS:orderer, DNS:localhost, IP Address:127.0.0.1');
    const peer = await readCert(join(out, `${ORG1}/peers/peer0.org1.example.com/tls/server.crt`));
    assert.equal(peer.subjectAltName, 'DNS:peer0.org1.example.com, DNS:peer0, DNS:localhost, IP Address:127.0.0.1');
    assert.equal((await readCert(join(out, `${ORG1}/users/User1@org1.example.com/tls/client.crt`))).subjectAltName, undefined);
    assert.equal(
      await readFile(join(out, `${ORDERER_ORG}/msp/config.yaml`), 'utf8'),
      (await readFile(join(FABRIC_CRYPTO, `${ORG1}/msp/config.yaml`), 'utf8')).replaceAll('org1.example.com', 'example.com'),
    );
  });

  it('leaves an organization that is already there as it is', async () => {
    const caFile = join(out, `${ORG1}/ca/ca.org1.example.com-cert.pem`);
    const before = await readFile(caFile, 'utf8');
    const again = await generateCrypto(defaultCryptoConfig(), out);
    assert.deepEqual(again.map((o) => o.generated), [false, false]);
    assert.equal(await readFile(caFile, 'utf8'), before);
    assert.equal((await listTree(join(out, 'peerOrganizations'))).dirs.filter((d) => !d.includes('/')).length, 1);
  });
});

describe('generateCrypto without NodeOUs and with every option of a spec', async () => {
  const out = await tempDir('weft-cryptogen-');
  const config: CryptoConfig = {
    ordererOrgs: [],
    peerOrgs: [
      {
        name: 'Org2',
        domain: 'org2.example.com',
        ca: { country: 'FR', province: 'IDF', locality: 'Paris', organizationalUnit: 'Hyperledger Fabric', streetAddress: '1 rue', postalCode: '75001' },
        specs: [{ hostname: 'foo', commonName: 'foo27.org5.example.com', sans: ['bar.{{.Domain}}', '{{.Hostname}}.org6.net', '172.16.10.31', '::1', '2001:db8::7'] }],
        template: { count: 2, start: 5, hostname: 'node{{.Index}}', sans: ['{{.CommonName}}.alt'] },
        users: { count: 2 },
      },
    ],
  };
  await generateCrypto(config, out);
  const org = join(out, 'peerOrganizations/org2.example.com');
  const { files } = await listTree(org);

  it('names nodes from Specs, then from the Template, with their common names', () => {
    const nodes = files.filter((f) => f.endsWith('/tls/server.crt')).map((f) => f.split('/')[1]);
    assert.deepEqual(nodes.sort(), ['foo27.org5.example.com', 'node5.org2.example.com', 'node6.org2.example.com']);
    const users = files.filter((f) => f.endsWith('/tls/client.crt')).map((f) => f.split('/')[1]);
    assert.deepEqual(users.sort(), ['Admin@org2.example.com', 'User1@org2.example.com', 'User2@org2.example.com']);
    assert.ok(!files.some((f) => f.endsWith('config.yaml')));
  });

  it('puts the admin in admincerts: the org and its peers get Admin, each user its own certificate', () => {
    const admincerts = files.filter((f) => f.includes('/admincerts/'));
    assert.deepEqual(admincerts.sort(), [
      'msp/admincerts/Admin@org2.example.com-cert.pem',
      'peers/foo27.org5.example.com/msp/admincerts/Admin@org2.example.com-cert.pem',
      'peers/node5.org2.example.com/msp/admincerts/Admin@org2.example.com-cert.pem',
      'peers/node6.org2.example.com/msp/admincerts/Admin@org2.example.com-cert.pem',
      'users/Admin@org2.example.com/msp/admincerts/Admin@org2.example.com-cert.pem',
      'users/User1@org2.example.com/msp/admincerts/User1@org2.example.com-cert.pem',
      'users/User2@org2.example.com/msp/admincerts/User2@org2.example.com-cert.pem',
    ]);
  });

  it("uses the CA spec's subject fields, in Go's order, the CA's OU in every certificate, and no NodeOU", async () => {
    const ca = await readCert(join(org, 'ca/ca.org2.example.com-cert.pem'));
    assert.equal(ca.subject.replace(/\n/g, ', '), 'C=FR, ST=IDF, L=Paris, street=1 rue, postalCode=75001, O=org2.example.com, OU=Hyperledger Fabric, CN=ca.org2.example.com');
    const peer = await readCert(join(org, 'peers/foo27.org5.example.com/msp/signcerts/foo27.org5.example.com-cert.pem'));
    assert.equal(peer.subject.replace(/\n/g, ', '), 'C=FR, ST=IDF, L=Paris, street=1 rue, postalCode=75001, OU=Hyperledger Fabric, CN=foo27.org5.example.com');
    const tlsCa = await readCert(join(org, 'tlsca/tlsca.org2.example.com-cert.pem'));
    assert.equal(tlsCa.subject.split('\n').pop(), 'CN=tlsca.org2.example.com');
  });

  it('renders SANS templates; IP addresses (v4 and v6) become IP SANs', async () => {
    const foo = await readCert(join(org, 'peers/foo27.org5.example.com/tls/server.crt'));
    assert.equal(
      foo.subjectAltName,
      'DNS:foo27.org5.example.com, DNS:foo, DNS:bar.org2.example.com, DNS:foo.org6.net, IP Address:172.16.10.31, IP Address:0:0:0:0:0:0:0:1, IP Address:2001:DB8:0:0:0:0:0:7',
    );
    const node6 = await readCert(join(org, 'peers/node6.org2.example.com/tls/server.crt'));
    assert.equal(node6.subjectAltName, 'DNS:node6.org2.example.com, DNS:node6, DNS:node6.org2.example.com.alt');
  });

});
