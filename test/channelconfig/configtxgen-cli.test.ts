import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Block } from '../../src/common/protos/common.js';
import { FabricMSPConfig } from '../../src/common/protos/msp.js';
import { ChannelConfig } from '../../src/channelconfig/channel-config.js';
import { FABRIC_FIXTURE } from '../helpers/fabric-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft } from '../helpers/weft-process.js';

async function configOf(file: string): Promise<ChannelConfig> {
  return ChannelConfig.fromBlock(Block.deserializeBinary(await readFile(file)));
}

describe('weft configtxgen and weft channel genesis (the built bin)', () => {
  test("configtxgen with Fabric's flags writes the fixture's channel; -inspectBlock prints it as JSON", async () => {
    const dir = await tempDir('weft-configtxgen-');
    const out = join(dir, 'mychannel.block');
    const gen = await runWeft(['configtxgen', '-profile', 'OneOrgApp', '-channelID', 'mychannel', '-outputBlock', out, '-configPath', FABRIC_FIXTURE], {});
    assert.equal(gen.code, 0, gen.stderr);
    const ours = await configOf(out);
    const fabric = await configOf(join(FABRIC_FIXTURE, 'mychannel.block'));
    assert.equal(ours.channelId, 'mychannel');
    assert.deepEqual(ours.orderer, fabric.orderer);
    assert.deepEqual(ours.capabilities, fabric.capabilities);
    assert.deepEqual(ours.applicationOrgs, fabric.applicationOrgs);

    const inspect = await runWeft(['configtxgen', `-inspectBlock=${out}`], {});
    assert.equal(inspect.code, 0, inspect.stderr);
    const json = JSON.parse(inspect.stdout) as {
      data: { data: Array<{ payload: { header: { channel_header: { channel_id: string } }; data: { config: { channel_group: { groups: Record<string, { values: Record<string, { value: unknown }> }> } } } } }> };
    };
    const envelope = json.data.data[0];
    assert.equal(envelope?.payload.header.channel_header.channel_id, 'mychannel');
    assert.deepEqual(envelope.payload.data.config.channel_group.groups.Orderer?.values.BatchTimeout?.value, { timeout: '100ms' });

    const FABRIC_CFG_PATH = FABRIC_FIXTURE;
    const viaEnv = await runWeft(['configtxgen', '--profile', 'OneOrgApp', '-channelID', 'c2', '-outputBlock', join(dir, 'c2.block')], { FABRIC_CFG_PATH });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.equal((await configOf(join(dir, 'c2.block'))).channelId, 'c2');
  });

  test('configtxgen errors name what is wrong', async () => {
    const dir = await tempDir('weft-configtxgen-');
    const missing = await runWeft(['configtxgen', '-profile', 'Nope', '-channelID', 'c', '-outputBlock', join(dir, 'x'), '-configPath', FABRIC_FIXTURE], {});
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error: could not find profile: Nope (configtx.yaml has OneOrgApp)');
    const flag = await runWeft(['configtxgen', '-asOrg', 'Org1'], {});
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, /^Error: flag provided but not supported: -asOrg/);
    const notBlock = await runWeft(['configtxgen', '-inspectBlock', join(FABRIC_FIXTURE, 'configtx.yaml')], {});
    assert.equal(notBlock.code, 1);
    assert.match(notBlock.stderr, /^Error: could not read block .*configtx.yaml/);
  });

  test("channel genesis: --config/--profile, --crypto for the built-in profile, neither for the built-in profile over the peer's own crypto", async () => {
    const dir = await tempDir('weft-genesis-');
    const fromYaml = await runWeft(['channel', 'genesis', '-c', 'ch1', '-o', join(dir, 'a.block'), '--config', join(FABRIC_FIXTURE, 'configtx.yaml'), '--profile', 'OneOrgApp'], {});
    assert.equal(fromYaml.code, 0, fromYaml.stderr);
    assert.equal((await configOf(join(dir, 'a.block'))).orderer?.batchTimeoutMs, 100);

    const builtIn = await runWeft(['channel', 'genesis', '-c', 'ch2', '-o', join(dir, 'b.block'), '--crypto', join(FABRIC_FIXTURE, 'crypto')], {});
    assert.equal(builtIn.code, 0, builtIn.stderr);
    const b = await configOf(join(dir, 'b.block'));
    assert.deepEqual([b.channelId, b.capabilities.application, b.orderer?.consenters.map((c) => `${c.host}:${String(c.port)}`)], ['ch2', ['V2_5'], ['127.0.0.1:7050']]);

    const local = await runWeft(['channel', 'genesis', '-c', 'ch4', '-o', join(dir, 'd.block')], { CORE_PEER_FILESYSTEMPATH: join(dir, 'data') });
    assert.equal(local.code, 0, local.stderr);
    const d = await configOf(join(dir, 'd.block'));
    assert.deepEqual(d.applicationOrgs.map((o) => o.mspId), ['Org1MSP']);
    // Its MSP is the crypto made under the data folder, the one a peer there runs with.
    const org1Ca = await readFile(join(dir, 'data', 'crypto', 'peerOrganizations', 'org1.example.com', 'msp', 'cacerts', 'ca.org1.example.com-cert.pem'));
    assert.ok(d.msps.some((m) => FabricMSPConfig.deserializeBinary(m.getConfig_asU8()).getRootCertsList_asU8().some((c) => Buffer.from(c).equals(org1Ca))));

    const half = await runWeft(['channel', 'genesis', '-c', 'ch3', '-o', join(dir, 'c.block'), '--profile', 'OneOrgApp'], {});
    assert.equal(half.code, 1);
    assert.equal(half.stderr, 'Error: --config and --profile go together');
  });
});
