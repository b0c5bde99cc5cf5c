import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import configtxPb from '@hyperledger/fabric-protos/lib/common/configtx_pb.js';
import { Envelope, Payload } from '../../src/common/protos/common.js';
import { FabricMSPConfig, MSPConfig } from '../../src/common/protos/msp.js';
import { MspError } from '../../src/msp/msp-error.js';
import { readMspFolder } from '../../src/msp/msp-folder.js';
import { FIXTURE_MSP, readFixtureConfigBlock } from '../helpers/fabric-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The MSPConfig of an org, as configtxgen wrote it into the fixture's config block. */
async function mspOfConfigBlock(section: 'Application' | 'Orderer', org: string): Promise<Uint8Array> {
  const block = await readFixtureConfigBlock();
  const data = block.getData()?.getDataList_asU8()[0];
  assert.ok(data);
  const payload = Payload.deserializeBinary(Envelope.deserializeBinary(data).getPayload_asU8());
  const config = configtxPb.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  const value = config?.getChannelGroup()?.getGroupsMap().get(section)?.getGroupsMap().get(org)?.getValuesMap().get('MSP');
  assert.ok(value, `no MSP value for ${section}/${org}`);
  return value.getValue_asU8();
}

describe('readMspFolder', () => {
  it('reads the Org1 MSP folder to the same MSPConfig bytes configtxgen wrote', async () => {
    const ours = await readMspFolder(FIXTURE_MSP.org1, 'Org1MSP');
    const fabric = MSPConfig.deserializeBinary(await mspOfConfigBlock('Application', 'Org1MSP'));
    assert.equal(ours.getType(), 0);
    const mine = FabricMSPConfig.deserializeBinary(ours.getConfig_asU8());
    const theirs = FabricMSPConfig.deserializeBinary(fabric.getConfig_asU8());
    assert.deepEqual(mine.toObject(), theirs.toObject());
    assert.deepEqual(Buffer.from(ours.serializeBinary()), Buffer.from(fabric.serializeBinary()));
    const nodeOUs = mine.getFabricNodeOus();
    assert.equal(nodeOUs?.getEnable(), true);
    assert.equal(nodeOUs.getPeerOuIdentifier()?.getOrganizationalUnitIdentifier(), 'peer');
    assert.equal(mine.getCryptoConfig()?.getSignatureHashFamily(), 'SHA2');
  });

  it('reads the orderer org folder (admincerts, no config.yaml) as configtxgen did', async () => {
    const ours = await readMspFolder(FIXTURE_MSP.orderer, 'OrdererMSP');
    const fabric = await mspOfConfigBlock('Orderer', 'OrdererOrg');
    assert.deepEqual(Buffer.from(ours.serializeBinary()), Buffer.from(fabric));
  });

  it('reads intermediates, CRLs and OU identifiers, and skips files without PEM content', async () => {
    const dir = await tempDir('weft-msp-folder-');
    const pem = (label: string, body: string): string => `-----BEGIN ${label}-----\n${Buffer.from(body).toString('base64')}\n-----END ${label}-----\n`;
    for (const sub of ['cacerts', 'intermediatecerts', 'crls', 'tlsintermediatecerts']) await mkdir(join(dir, sub));
    await writeFile(join(dir, 'cacerts/b.pem'), pem('CERTIFICATE', 'root-b'));
    await writeFile(join(dir, 'cacerts/a.pem'), pem('CERTIFICATE', 'root-a'));
    await writeFile(join(dir, 'cacerts/notes.txt'), 'not a certificate');
    await writeFile(join(dir, 'intermediatecerts/i.pem'), pem('CERTIFICATE', 'inter'));
    await writeFile(join(dir, 'crls/c.pem'), pem('X509 CRL', 'crl'));
    // No tlscacerts: the TLS intermediates are not read.
    await writeFile(join(dir, 'tlsintermediatecerts/t.pem'), pem('CERTIFICATE', 'tls-inter'));
    await writeFile(
      join(dir, 'config.yaml'),
      'OrganizationalUnitIdentifiers:\n  - Certificate: cacerts/a.pem\n    OrganizationalUnitIdentifier: COP\n' +
        'NodeOUs:\n  Enable: true\n  ClientOUIdentifier:\n    Certificate: cacerts/missing.pem\n    OrganizationalUnitIdentifier: client\n' +
        '  PeerOUIdentifier:\n    OrganizationalUnitIdentifier: peer\n  AdminOUIdentifier:\n    Certificate: cacerts/a.pem\n',
    );
    const warnings: string[] = [];
    const config = FabricMSPConfig.deserializeBinary(
      (await readMspFolder(dir, 'TestMSP', { logger: { warn: (_f, m) => warnings.push(m) } })).getConfig_asU8(),
    );
    const text = (list: Uint8Array[]): string[] => list.map((b) => Buffer.from(b).toString());
    assert.deepEqual(text(config.getRootCertsList_asU8()), [pem('CERTIFICATE', 'root-a'), pem('CERTIFICATE', 'root-b')]);
    assert.deepEqual(text(config.getIntermediateCertsList_asU8()), [pem('CERTIFICATE', 'inter')]);
    assert.deepEqual(text(config.getRevocationListList_asU8()), [pem('X509 CRL', 'crl')]);
    assert.deepEqual(config.getTlsIntermediateCertsList_asU8(), []);
    assert.deepEqual(config.getAdminsList_asU8(), []);
    const [ou] = config.getOrganizationalUnitIdentifiersList();
    assert.equal(ou?.getOrganizationalUnitIdentifier(), 'COP');
    assert.equal(Buffer.from(ou.getCertificate_asU8()).toString(), pem('CERTIFICATE', 'root-a'));
    const nodeOUs = config.getFabricNodeOus();
    assert.equal(nodeOUs?.getClientOuIdentifier()?.getOrganizationalUnitIdentifier(), 'client');
    assert.equal(nodeOUs.getClientOuIdentifier()?.getCertificate_asU8().length, 0);
    assert.equal(nodeOUs.getPeerOuIdentifier()?.getOrganizationalUnitIdentifier(), 'peer');
    assert.equal(nodeOUs.getAdminOuIdentifier(), undefined, 'an entry without an OU name is left out');
    assert.ok(warnings.some((w) => w.includes('notes.txt')));
    assert.ok(warnings.some((w) => w.includes('ClientOU') && w.includes('missing.pem')));
  });

  it('refuses a folder without CA certificates, naming the folder', async () => {
    const dir = await tempDir('weft-msp-folder-');
    await assert.rejects(readMspFolder(dir, 'TestMSP'), (err: unknown) => {
      assert.ok(err instanceof MspError);
      assert.equal(err.code, 'MSP_UNREADABLE');
      assert.match(err.message, /could not load a valid ca certificate from directory .*cacerts/);
      return true;
    });
  });
});
