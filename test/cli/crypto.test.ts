import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultCryptoConfig, parseCryptoConfig } from '../../src/msp/cryptogen/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft } from '../helpers/weft-process.js';
import { FABRIC_CRYPTO, FABRIC_FIXTURE, listTree, openssl } from '../msp/cryptogen/crypto-tree.js';

describe('weft crypto', () => {
  it('generate: the default network, naming the peer orgs it made as cryptogen does', async () => {
    const out = join(await tempDir('weft-crypto-cli-'), 'crypto-config');
    const run = await runWeft(['crypto', 'generate', '--output', out], {});
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'org1.example.com\n');
    const org = join(out, 'peerOrganizations/org1.example.com');
    const verified = await openssl('verify', '-CAfile', join(org, 'tlsca/tlsca.org1.example.com-cert.pem'), join(org, 'peers/peer0.org1.example.com/tls/server.crt'));
    assert.match(verified, /: OK$/m);
    assert.ok((await readFile(join(out, 'ordererOrganizations/example.com/msp/config.yaml'), 'utf8')).includes('OrdererOUIdentifier'));

    const again = await runWeft(['crypto', 'generate', '--output', out], {});
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /org1\.example\.com: .* already exists, left as it is/);
  });

  it("generate --config: the fixture's file gives Fabric's tree", async () => {
    const out = await tempDir('weft-crypto-cli-');
    const run = await runWeft(['crypto', 'generate', `--config=${join(FABRIC_FIXTURE, 'crypto-config.yaml')}`, '--output', out], {});
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'org1.example.com\n');
    assert.deepEqual((await listTree(out)).files, (await listTree(FABRIC_CRYPTO)).files);
  });

  it('generate: a bad configuration fails with one line naming the file and key, writing nothing', async () => {
    const dir = await tempDir('weft-crypto-cli-');
    const file = join(dir, 'crypto-config.yaml');
    await writeFile(file, 'PeerOrgs:\n  - Name: Org1\n    Template: { Count: 1 }\n');
    const run = await runWeft(['crypto', 'generate', '--config', file, '--output', join(dir, 'out')], {});
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `Error: ${file}: PeerOrgs[0].Domain is missing: every organization needs a Domain`);
    const missing = await runWeft(['crypto', 'generate', '--config', join(dir, 'nope.yaml'), '--output', join(dir, 'out')], {});
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: cannot read the crypto configuration .*nope\.yaml/);
    assert.deepEqual((await listTree(dir)).files, ['crypto-config.yaml']);
  });

  it('showtemplate: the default configuration as crypto-config.yaml', async () => {
    const run = await runWeft(['crypto', 'showtemplate'], {});
    assert.equal(run.code, 0, run.stderr);
    const config = await parseCryptoConfig(run.stdout);
    assert.deepEqual(config.ordererOrgs, defaultCryptoConfig().ordererOrgs);
    assert.equal(config.peerOrgs[0]?.domain, 'org1.example.com');
  });
});
