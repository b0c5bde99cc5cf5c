import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { ConfigError } from '../../../src/common/config/config-error.js';
import { EMBEDDED_ORDERER_DEFAULTS } from '../../../src/common/config/embedded-orderer-defaults.js';
import { loadOrdererConfig } from '../../../src/common/config/load-orderer-config.js';
import { tempDir } from '../../helpers/temp-dir.js';

async function cfgDir(yaml: string | undefined): Promise<string> {
  const dir = join(await tempDir('weft-orderer-cfg-'), 'cfg');
  await mkdir(dir);
  if (yaml !== undefined) await writeFile(join(dir, 'orderer.yaml'), yaml);
  return dir;
}

const refused = (code: string, ...parts: string[]) => (err: unknown): boolean => {
  assert.ok(err instanceof ConfigError, String(err));
  assert.equal(err.code, code);
  for (const part of parts) assert.ok(err.message.includes(part), `${JSON.stringify(err.message)} should name ${part}`);
  return true;
};

describe('loadOrdererConfig', () => {
  test('the embedded defaults are config/orderer.yaml, parsed', async () => {
    const yaml = await readFile(new URL('../../../../config/orderer.yaml', import.meta.url), 'utf8');
    assert.deepEqual(EMBEDDED_ORDERER_DEFAULTS, parse(yaml));
  });

  test('on the embedded defaults: 127.0.0.1:7050, no TLS, the default crypto, chains under ./data/orderer', async () => {
    const cfg = await loadOrdererConfig({ env: {}, cwd: '/srv/weft' });
    assert.deepEqual(cfg, {
      configDir: undefined,
      general: {
        listenAddress: '127.0.0.1:7050',
        tls: { enabled: false, privateKey: '', certificate: '', rootCAs: [], clientAuthRequired: false, clientRootCAs: [] },
        bootstrapMethod: 'none',
        localMspDir: undefined,
        localMspId: 'OrdererMSP',
      },
      fileLedger: { location: '/srv/weft/data/orderer' },
      admin: { listenAddress: '127.0.0.1:9443' },
      channelParticipation: { enabled: true },
      operations: { listenAddress: undefined, tls: { enabled: false, certFile: undefined, keyFile: undefined, clientAuthRequired: false, clientRootCAFiles: [] } },
      metrics: { provider: 'disabled', statsd: { network: 'udp', address: '127.0.0.1:8125', writeIntervalMs: 30_000, prefix: '' } },
    });
  });

  test("Operations and Metrics, as Fabric's orderer.yaml has them; a bad value names its key", async () => {
    const cfg = await loadOrdererConfig({
      env: {
        ORDERER_OPERATIONS_LISTENADDRESS: '0.0.0.0:8443',
        ORDERER_OPERATIONS_TLS_ENABLED: 'true',
        ORDERER_OPERATIONS_TLS_CERTIFICATE: '/tls/ops.crt',
        ORDERER_OPERATIONS_TLS_PRIVATEKEY: '/tls/ops.key',
        ORDERER_OPERATIONS_TLS_CLIENTROOTCAS: '[/tls/ca.crt]',
        ORDERER_METRICS_PROVIDER: 'statsd',
        ORDERER_METRICS_STATSD_WRITEINTERVAL: '5s',
        ORDERER_METRICS_STATSD_PREFIX: 'orderer0',
      },
      cwd: '/srv/weft',
    });
    assert.deepEqual(cfg.operations, {
      listenAddress: '0.0.0.0:8443',
      tls: { enabled: true, certFile: '/tls/ops.crt', keyFile: '/tls/ops.key', clientAuthRequired: false, clientRootCAFiles: ['/tls/ca.crt'] },
    });
    assert.deepEqual(cfg.metrics, { provider: 'statsd', statsd: { network: 'udp', address: '127.0.0.1:8125', writeIntervalMs: 5000, prefix: 'orderer0.' } });
    await assert.rejects(loadOrdererConfig({ env: { ORDERER_METRICS_PROVIDER: 'graphite' } }), /invalid value for Metrics\.Provider \(from ORDERER_METRICS_PROVIDER\): "graphite"/);
    await assert.rejects(loadOrdererConfig({ env: { ORDERER_OPERATIONS_TLS_ENABLED: 'true' } }), /Operations\.TLS\.Certificate/);
    await assert.rejects(loadOrdererConfig({ env: { ORDERER_OPERATIONS_LISTENADDRESS: 'nowhere' } }), /Operations\.ListenAddress.*is not a host:port address/);
  });

  test('ORDERER_* variables override the keys', async () => {
    const cfg = await loadOrdererConfig({
      env: {
        ORDERER_GENERAL_LISTENADDRESS: '0.0.0.0',
        ORDERER_GENERAL_LISTENPORT: '7150',
        ORDERER_GENERAL_TLS_ENABLED: 'true',
        ORDERER_GENERAL_TLS_PRIVATEKEY: '/tls/server.key',
        ORDERER_GENERAL_TLS_CLIENTROOTCAS: '[/tls/a.crt, /tls/b.crt]',
        ORDERER_GENERAL_LOCALMSPDIR: '/msp',
        ORDERER_GENERAL_LOCALMSPID: 'Orderer2MSP',
        ORDERER_FILELEDGER_LOCATION: '/var/orderer',
        ORDERER_CHANNELPARTICIPATION_ENABLED: 'false',
      },
    });
    assert.equal(cfg.general.listenAddress, '0.0.0.0:7150');
    assert.equal(cfg.general.tls.enabled, true);
    assert.equal(cfg.general.tls.privateKey, '/tls/server.key');
    assert.deepEqual(cfg.general.tls.clientRootCAs, ['/tls/a.crt', '/tls/b.crt']);
    assert.equal(cfg.general.localMspDir, '/msp');
    assert.equal(cfg.general.localMspId, 'Orderer2MSP');
    assert.equal(cfg.fileLedger.location, '/var/orderer');
    assert.equal(cfg.channelParticipation.enabled, false);
  });

  test("FABRIC_CFG_PATH's orderer.yaml is merged over the defaults; its relative paths are taken from that folder", async () => {
    const dir = await cfgDir('General:\n  LocalMSPDir: msp\n  TLS:\n    Certificate: tls/server.crt\n    RootCAs:\n      - tls/ca.crt\n');
    const cfg = await loadOrdererConfig({ env: { FABRIC_CFG_PATH: dir } });
    assert.equal(cfg.configDir, dir);
    assert.equal(cfg.general.localMspDir, join(dir, 'msp'));
    assert.equal(cfg.general.tls.certificate, join(dir, 'tls/server.crt'));
    assert.deepEqual(cfg.general.tls.rootCAs, [join(dir, 'tls/ca.crt')]);
    assert.equal(cfg.general.listenAddress, '127.0.0.1:7050');
  });

  test('a folder without orderer.yaml, a bad port, a bootstrap method other than none are refused, naming the key', async () => {
    const empty = await cfgDir(undefined);
    await assert.rejects(loadOrdererConfig({ env: { FABRIC_CFG_PATH: empty } }), refused('CONFIG_NOT_FOUND', 'Config File "orderer" Not Found', empty));
    await assert.rejects(loadOrdererConfig({ env: { ORDERER_GENERAL_LISTENPORT: 'seven' } }), refused('CONFIG_INVALID_VALUE', 'General.ListenPort', 'ORDERER_GENERAL_LISTENPORT'));
    await assert.rejects(loadOrdererConfig({ env: { ORDERER_GENERAL_LISTENPORT: '70000' } }), refused('CONFIG_INVALID_VALUE', 'General.ListenPort'));
    const file = await cfgDir('General:\n  BootstrapMethod: file\n');
    await assert.rejects(loadOrdererConfig({ env: { FABRIC_CFG_PATH: file } }), refused('CONFIG_INVALID_VALUE', 'General.BootstrapMethod', 'channel participation'));
    await assert.rejects(loadOrdererConfig({ env: { ORDERER_GENERAL_TLS_ENABLED: 'maybe' } }), refused('CONFIG_INVALID_VALUE', 'General.TLS.Enabled'));
  });
});
