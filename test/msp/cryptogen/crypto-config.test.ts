import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CryptogenError,
  cryptoConfigYaml,
  defaultCryptoConfig,
  generateCrypto,
  parseCryptoConfig,
  readCryptoConfig,
} from '../../../src/msp/cryptogen/index.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { FABRIC_FIXTURE } from './crypto-tree.js';

async function rejectsWith(p: Promise<unknown>, code: string, ...parts: string[]): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof CryptogenError, String(err));
    assert.equal(err.code, code, err.message);
    for (const part of parts) assert.ok(err.message.includes(part), `"${err.message}" lacks "${part}"`);
    return true;
  });
}

describe('crypto-config.yaml', () => {
  it("reads the fixture's file into cryptogen's model", async () => {
    const config = await readCryptoConfig(join(FABRIC_FIXTURE, 'crypto-config.yaml'));
    assert.deepEqual(config, {
      ordererOrgs: [{ name: 'Orderer', domain: 'example.com', enableNodeOUs: false, specs: [{ hostname: 'orderer', sans: ['127.0.0.1', 'localhost'] }] }],
      peerOrgs: [
        {
          name: 'Org1',
          domain: 'org1.example.com',
          enableNodeOUs: true,
          specs: [],
          template: { count: 1, sans: ['127.0.0.1', 'localhost'] },
          users: { count: 1 },
        },
      ],
    });
  });

  it('reads every key cryptogen knows, scalars as their text, YAML 1.1 booleans', async () => {
    const config = await parseCryptoConfig(`
PeerOrgs:
  - Name: Org2
    Domain: org2.example.com
    EnableNodeOUs: yes
    CA: { Hostname: myca, CommonName: "ca2.{{.Domain}}", Country: FR, Province: IDF, Locality: Paris, OrganizationalUnit: Fabric, StreetAddress: x, PostalCode: 75001 }
    Specs:
      - { Hostname: foo, CommonName: "foo.{{.Domain}}", SANS: [10, 1.0] }
    Template: { Count: 2, Start: 3, Hostname: "n{{.Index}}", SANS: [a] }
    Users: { Count: 0 }
    Unknown: ignored
`);
    assert.deepEqual(config.peerOrgs[0], {
      name: 'Org2',
      domain: 'org2.example.com',
      enableNodeOUs: true,
      ca: {
        hostname: 'myca',
        commonName: 'ca2.{{.Domain}}',
        country: 'FR',
        province: 'IDF',
        locality: 'Paris',
        organizationalUnit: 'Fabric',
        streetAddress: 'x',
        postalCode: '75001',
      },
      specs: [{ hostname: 'foo', commonName: 'foo.{{.Domain}}', sans: ['10', '1.0'] }],
      template: { count: 2, start: 3, hostname: 'n{{.Index}}', sans: ['a'] },
      users: { count: 0 },
    });
    assert.deepEqual(await parseCryptoConfig(''), { ordererOrgs: [], peerOrgs: [] });
  });

  it('names the file and the key at fault', async () => {
    await rejectsWith(parseCryptoConfig('PeerOrgs:\n  - Name: Org1\n', 'my.yaml'), 'CONFIG_INVALID', 'my.yaml', 'PeerOrgs[0].Domain', 'missing');
    await rejectsWith(parseCryptoConfig('OrdererOrgs:\n  - Domain: a\n  - Domain: b\n    Template: { Count: many }\n', 'c.yaml'), 'CONFIG_INVALID', 'c.yaml', 'OrdererOrgs[1].Template.Count', '"many"');
    await rejectsWith(parseCryptoConfig('PeerOrgs:\n  - Domain: a\n    Users: { Count: -1 }\n'), 'CONFIG_INVALID', 'PeerOrgs[0].Users.Count');
    await rejectsWith(parseCryptoConfig('PeerOrgs:\n  - Domain: a\n    EnableNodeOUs: maybe\n'), 'CONFIG_INVALID', 'PeerOrgs[0].EnableNodeOUs');
    await rejectsWith(parseCryptoConfig('PeerOrgs:\n  - Domain: a\n    Specs:\n      - CommonName: x\n'), 'CONFIG_INVALID', 'PeerOrgs[0].Specs[0].Hostname');
    await rejectsWith(parseCryptoConfig('PeerOrgs: org1\n'), 'CONFIG_INVALID', 'PeerOrgs', 'list');
    await rejectsWith(parseCryptoConfig('- a\n'), 'CONFIG_INVALID', 'the document');
    await rejectsWith(parseCryptoConfig('PeerOrgs:\n  - Domain: [a\n', 'bad.yaml'), 'CONFIG_UNREADABLE', 'bad.yaml', 'not valid YAML');
    await rejectsWith(readCryptoConfig('/nonexistent/crypto-config.yaml'), 'CONFIG_UNREADABLE', '/nonexistent/crypto-config.yaml');
  });

  it('refuses templates it cannot render, and duplicate domains, before writing anything', async () => {
    const out = await tempDir('weft-cryptogen-');
    const file = join(out, 'cc.yaml');
    await writeFile(file, 'PeerOrgs:\n  - Domain: a.com\n    Template: { Count: 1, SANS: ["{{.Nope}}"] }\n');
    await rejectsWith(generateCrypto(await readCryptoConfig(file), join(out, 'x')), 'TEMPLATE_INVALID', 'PeerOrgs[0].Specs[0].SANS[0]', 'Nope');
    const config = await parseCryptoConfig('PeerOrgs:\n  - Domain: a.com\n  - Domain: b.com\n    Specs: [{ Hostname: b, CommonName: "{{ range .X }}" }]\n');
    await rejectsWith(generateCrypto(config, join(out, 'x')), 'TEMPLATE_INVALID', 'PeerOrgs[1].Specs[0].CommonName');
    await rejectsWith(generateCrypto(await parseCryptoConfig('PeerOrgs:\n  - Domain: a.com\n    Template: { Hostname: "p{{.Index" , Count: 1 }\n'), join(out, 'x')), 'TEMPLATE_INVALID', 'PeerOrgs[0].Template.Hostname', 'unclosed');
    await rejectsWith(generateCrypto(await parseCryptoConfig('PeerOrgs:\n  - Domain: a.com\n  - Domain: a.com\n'), join(out, 'x')), 'CONFIG_INVALID', 'PeerOrgs[1].Domain', 'PeerOrgs[0]');
    assert.deepEqual(await readdir(out), ['cc.yaml']);
  });

  it('prints the default configuration as YAML that reads back the same (showtemplate)', async () => {
    const text = cryptoConfigYaml(defaultCryptoConfig());
    assert.match(text, /^OrdererOrgs:\n {2}- Name: Orderer\n {4}Domain: example.com\n {4}EnableNodeOUs: true\n/);
    const back = await parseCryptoConfig(text);
    const expected = defaultCryptoConfig();
    assert.deepEqual(back, {
      ordererOrgs: expected.ordererOrgs,
      peerOrgs: expected.peerOrgs.map((o) => ({ ...o, specs: [] })),
    });
  });
});
