import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCoreConfig } from '../../../src/common/config/load-core-config.js';
import { ConfigError } from '../../../src/common/config/config-error.js';

let root: string;
let counter = 0;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'weft-config-test-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh folder holding `yaml` as core.yaml (or nothing when undefined). */
async function cfgDir(yaml: string | undefined): Promise<string> {
  const dir = join(root, `cfg${++counter}`);
  await mkdir(dir);
  if (yaml !== undefined) await writeFile(join(dir, 'core.yaml'), yaml);
  return dir;
}

async function assertConfigError(fn: () => Promise<unknown>, code: string, ...parts: string[]): Promise<void> {
  await assert.rejects(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.code, code);
    assert.equal(err.name, 'ConfigError');
    for (const part of parts) assert.ok(err.message.includes(part), `${JSON.stringify(err.message)} should name ${part}`);
    return true;
  });
}

describe('loadCoreConfig: the packaged defaults', () => {
  test('match the packaged config/core.yaml', async () => {
    const cfg = await loadCoreConfig({ env: {}, cwd: '/srv/weft' });
    assert.equal(cfg.configDir, undefined);
    assert.equal(cfg.peer.id, 'peer0.org1.example.com');
    assert.equal(cfg.peer.networkId, 'dev');
    assert.equal(cfg.peer.listenAddress, '0.0.0.0:7051');
    assert.equal(cfg.peer.address, '0.0.0.0:7051');
    assert.equal(cfg.peer.chaincodeListenAddress, '127.0.0.1:7052');
    assert.equal(cfg.peer.chaincodeAddress, undefined);
    assert.equal(cfg.peer.fileSystemPath, '/srv/weft/data');
    assert.deepEqual(cfg.peer.tls, {
      enabled: false,
      clientAuthRequired: false,
      certFile: '',
      keyFile: '',
      rootCertFile: '',
      clientRootCAFiles: [],
      clientCertFile: '',
      clientKeyFile: '',
    });
    // No MSP folder set: the peer makes and uses the default crypto; Org1MSP is its organisation.
    assert.equal(cfg.peer.mspConfigPath, undefined);
    assert.equal(cfg.peer.localMspId, 'Org1MSP');
    assert.equal(cfg.chaincode.startupTimeoutMs, 300_000);
    assert.equal(cfg.chaincode.executeTimeoutMs, 30_000);
    assert.equal(cfg.chaincode.mode, 'net');
    assert.equal(cfg.chaincode.keepaliveSeconds, 0);
    assert.deepEqual(cfg.chaincode.system, { _lifecycle: 'enable', cscc: 'enable', lscc: 'enable', qscc: 'enable' });
    assert.deepEqual(cfg.chaincode.systemPlugins, []);
    assert.equal(cfg.chaincode.logging.level, 'info');
    assert.equal(cfg.chaincode.logging.shim, 'warning');
    assert.equal(
      cfg.chaincode.logging.format,
      '%{color}%{time:2006-01-02 15:04:05.000 MST} [%{module}] %{shortfunc} -> %{level:.4s} %{id:03x}%{color:reset} %{message}',
    );
    assert.equal(cfg.vm.endpoint, 'unix:///var/run/docker.sock');
    assert.equal(cfg.vm.type, 'process');
    assert.equal(cfg.chaincode.node.runtime, 'hyperledger/fabric-nodeenv:2.5');
    assert.deepEqual(cfg.vm.docker, {
      attachStdout: true,
      forceRebuild: false,
      hostConfig: { NetworkMode: 'host', Init: true, Memory: 0, LogConfig: { Type: 'json-file', Config: { 'max-size': '50m', 'max-file': '5' } } },
    });
    assert.equal(cfg.operations.listenAddress, undefined);
    assert.deepEqual(cfg.operations.tls, { enabled: false, certFile: undefined, keyFile: undefined, clientAuthRequired: false, clientRootCAFiles: [] });
    assert.deepEqual(cfg.metrics, { provider: 'disabled', statsd: { network: 'udp', address: '127.0.0.1:8125', writeIntervalMs: 10_000, prefix: '' } });
    assert.deepEqual(cfg.chaincode.trace, { enabled: false, size: 1000 });
    assert.equal(cfg.peer.transientstoreMaxBlockRetention, 1000);
  });

  test('an empty FABRIC_CFG_PATH means the packaged defaults', async () => {
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: '' }, cwd: '/srv' });
    assert.equal(cfg.configDir, undefined);
    assert.equal(cfg.peer.id, 'peer0.org1.example.com');
  });

  test('an absolute fileSystemPath is kept as it is', async () => {
    const cfg = await loadCoreConfig({ env: { CORE_PEER_FILESYSTEMPATH: '/var/hyperledger/production' }, cwd: '/srv' });
    assert.equal(cfg.peer.fileSystemPath, '/var/hyperledger/production');
  });

  test('ledger.state.stateDatabase is read (goleveldb unless set), as test-network sets it', async () => {
    assert.equal((await loadCoreConfig({ env: {}, cwd: '/srv' })).ledger.stateDatabase, 'goleveldb');
    const cfg = await loadCoreConfig({ env: { CORE_LEDGER_STATE_STATEDATABASE: 'CouchDB' }, cwd: '/srv' });
    assert.equal(cfg.ledger.stateDatabase, 'CouchDB');
  });

  test("the query limits are Fabric's keys, with Fabric's defaults; a limit below 1 is refused naming the key", async () => {
    const defaults = await loadCoreConfig({ env: {}, cwd: '/srv' });
    assert.deepEqual([defaults.ledger.totalQueryLimit, defaults.ledger.internalQueryLimit], [100_000, 1000]);
    const set = await loadCoreConfig({ env: { CORE_LEDGER_STATE_TOTALQUERYLIMIT: '500', CORE_LEDGER_STATE_COUCHDBCONFIG_INTERNALQUERYLIMIT: '50' }, cwd: '/srv' });
    assert.deepEqual([set.ledger.totalQueryLimit, set.ledger.internalQueryLimit], [500, 50]);
    await assert.rejects(loadCoreConfig({ env: { CORE_LEDGER_STATE_TOTALQUERYLIMIT: '0' }, cwd: '/srv' }), /ledger\.state\.totalQueryLimit/);
  });

  test('the embedded defaults are config/core.yaml, parsed', async () => {
    const { parse } = await import('yaml');
    const { readFile } = await import('node:fs/promises');
    const { EMBEDDED_DEFAULTS } = await import('../../../src/common/config/embedded-defaults.js');
    const yaml = await readFile(new URL('../../../../config/core.yaml', import.meta.url), 'utf8');
    assert.deepEqual(EMBEDDED_DEFAULTS, parse(yaml));
  });

  test('explicit defaults are used instead of the embedded ones', async () => {
    const cfg = await loadCoreConfig({
      env: {},
      defaults: {
        peer: { id: 'other', networkId: 'n', listenAddress: 'a:1', address: 'a:1', chaincodeListenAddress: 'a:2', fileSystemPath: '/d' },
        chaincode: { startuptimeout: '10s', executetimeout: '1s', mode: 'dev', keepalive: 5 },
      },
    });
    assert.equal(cfg.peer.id, 'other');
    assert.equal(cfg.chaincode.mode, 'dev');
    assert.equal(cfg.chaincode.keepaliveSeconds, 5);
    assert.deepEqual(cfg.chaincode.system, {});
    assert.deepEqual(cfg.chaincode.systemPlugins, []);
  });
});

describe('loadCoreConfig: FABRIC_CFG_PATH', () => {
  test('merges the folder\'s core.yaml over the defaults', async () => {
    const dir = await cfgDir('peer:\n  id: peer0.org1\n  tls:\n    enabled: true\nchaincode:\n  executetimeout: 1m30s\n');
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir }, cwd: '/srv' });
    assert.equal(cfg.configDir, dir);
    assert.equal(cfg.peer.id, 'peer0.org1');
    assert.equal(cfg.peer.tls.enabled, true);
    assert.equal(cfg.chaincode.executeTimeoutMs, 90_000);
    // Untouched keys keep their defaults, even beside changed ones in the same mapping.
    assert.equal(cfg.peer.networkId, 'dev');
    assert.equal(cfg.peer.chaincodeListenAddress, '127.0.0.1:7052');
    assert.equal(cfg.chaincode.startupTimeoutMs, 300_000);
    assert.equal(cfg.chaincode.system.lscc, 'enable');
  });

  test('matches keys case-insensitively: filesystempath sets fileSystemPath', async () => {
    const dir = await cfgDir('peer:\n  filesystempath: /var/ledger\n  NETWORKID: prod\nCHAINCODE:\n  StartupTimeout: 60s\n');
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } });
    assert.equal(cfg.peer.fileSystemPath, '/var/ledger');
    assert.equal(cfg.peer.networkId, 'prod');
    assert.equal(cfg.chaincode.startupTimeoutMs, 60_000);
    assert.equal(cfg.peer.id, 'peer0.org1.example.com');
  });

  test('a relative FABRIC_CFG_PATH is taken from cwd', async () => {
    const dir = await cfgDir('peer:\n  id: rel\n');
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir.slice(root.length + 1) }, cwd: root });
    assert.equal(cfg.configDir, dir);
    assert.equal(cfg.peer.id, 'rel');
  });

  test('an empty core.yaml changes nothing', async () => {
    const dir = await cfgDir('');
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } });
    assert.equal(cfg.peer.id, 'peer0.org1.example.com');
    assert.equal(cfg.configDir, dir);
  });

  test('a folder without core.yaml is CONFIG_NOT_FOUND naming the folder', async () => {
    const dir = await cfgDir(undefined);
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_NOT_FOUND', dir, 'FABRIC_CFG_PATH');
  });

  test('a folder that does not exist is CONFIG_NOT_FOUND', async () => {
    const dir = join(root, 'does-not-exist');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_NOT_FOUND', dir);
  });

  test('unparsable YAML is CONFIG_UNREADABLE naming the file', async () => {
    const dir = await cfgDir('peer:\n  id: [unclosed\n  x: : :\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_UNREADABLE', join(dir, 'core.yaml'));
  });

  test('YAML that is not a mapping is CONFIG_UNREADABLE', async () => {
    const dir = await cfgDir('- just\n- a list\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_UNREADABLE', join(dir, 'core.yaml'), 'mapping');
  });

  test('a core.yaml that is a folder is CONFIG_UNREADABLE', async () => {
    const dir = await cfgDir(undefined);
    await mkdir(join(dir, 'core.yaml'));
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_UNREADABLE', join(dir, 'core.yaml'));
  });

  test('relative TLS file paths are taken from the config folder; absolute ones kept', async () => {
    const dir = await cfgDir(
      'peer:\n  tls:\n    enabled: true\n    cert:\n      file: tls/server.crt\n    key:\n      file: /abs/server.key\n    rootcert:\n      file: ./tls/ca.crt\n',
    );
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir }, cwd: '/elsewhere' });
    assert.equal(cfg.peer.tls.certFile, join(dir, 'tls/server.crt'));
    assert.equal(cfg.peer.tls.keyFile, '/abs/server.key');
    assert.equal(cfg.peer.tls.rootCertFile, join(dir, 'tls/ca.crt'));
  });

  test('a relative TLS path from CORE_* is also taken from the config folder', async () => {
    const dir = await cfgDir('peer:\n  id: x\n');
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir, CORE_PEER_TLS_CERT_FILE: 'c.pem' } });
    assert.equal(cfg.peer.tls.certFile, join(dir, 'c.pem'));
  });
});

describe('loadCoreConfig: CORE_* variables', () => {
  test("the MSP folder and the TLS client settings, as Fabric's CLI users set them", async () => {
    const cfg = await loadCoreConfig({
      env: {
        CORE_PEER_MSPCONFIGPATH: 'users/User1/msp',
        CORE_PEER_LOCALMSPID: 'Org2MSP',
        CORE_PEER_TLS_CLIENTAUTHREQUIRED: 'true',
        CORE_PEER_TLS_CLIENTROOTCAS_FILES: '/ca/a.pem /ca/b.pem',
        CORE_PEER_TLS_CLIENTCERT_FILE: '/me/client.crt',
        CORE_PEER_TLS_CLIENTKEY_FILE: '/me/client.key',
      },
      cwd: '/srv/weft',
    });
    assert.equal(cfg.peer.mspConfigPath, '/srv/weft/users/User1/msp');
    assert.equal(cfg.peer.localMspId, 'Org2MSP');
    assert.equal(cfg.peer.tls.clientAuthRequired, true);
    assert.deepEqual(cfg.peer.tls.clientRootCAFiles, ['/ca/a.pem', '/ca/b.pem']);
    assert.equal(cfg.peer.tls.clientCertFile, '/me/client.crt');
    assert.equal(cfg.peer.tls.clientKeyFile, '/me/client.key');
  });

  test('override the file', async () => {
    const dir = await cfgDir('peer:\n  listenAddress: 10.0.0.1:7051\n');
    const cfg = await loadCoreConfig({
      env: {
        FABRIC_CFG_PATH: dir,
        CORE_PEER_FILESYSTEMPATH: 'ledgers',
        CORE_PEER_LISTENADDRESS: '127.0.0.1:9051',
        CORE_PEER_CHAINCODELISTENADDRESS: '127.0.0.1:9052',
        CORE_PEER_CHAINCODEADDRESS: 'peer0:9052',
        CORE_PEER_ID: 'peer9',
        CORE_PEER_TLS_ENABLED: 'true',
        CORE_CHAINCODE_STARTUPTIMEOUT: '45s',
        CORE_CHAINCODE_EXECUTETIMEOUT: '2m',
        CORE_CHAINCODE_MODE: 'dev',
        CORE_CHAINCODE_KEEPALIVE: '30',
        CORE_VM_ENDPOINT: 'tcp://docker:2375',
      },
      cwd: '/srv',
    });
    assert.equal(cfg.peer.fileSystemPath, '/srv/ledgers');
    assert.equal(cfg.peer.listenAddress, '127.0.0.1:9051');
    assert.equal(cfg.peer.chaincodeListenAddress, '127.0.0.1:9052');
    assert.equal(cfg.peer.chaincodeAddress, 'peer0:9052');
    assert.equal(cfg.peer.id, 'peer9');
    assert.equal(cfg.peer.tls.enabled, true);
    assert.equal(cfg.chaincode.startupTimeoutMs, 45_000);
    assert.equal(cfg.chaincode.executeTimeoutMs, 120_000);
    assert.equal(cfg.chaincode.mode, 'dev');
    assert.equal(cfg.chaincode.keepaliveSeconds, 30);
    assert.equal(cfg.vm.endpoint, 'tcp://docker:2375');
  });

  test('boolean words: true/1 and false/0 in any case', async () => {
    assert.equal((await loadCoreConfig({ env: { CORE_PEER_TLS_ENABLED: 'TRUE' } })).peer.tls.enabled, true);
    assert.equal((await loadCoreConfig({ env: { CORE_PEER_TLS_ENABLED: '1' } })).peer.tls.enabled, true);
    assert.equal((await loadCoreConfig({ env: { CORE_PEER_TLS_ENABLED: 'False' } })).peer.tls.enabled, false);
    assert.equal((await loadCoreConfig({ env: { CORE_PEER_TLS_ENABLED: '0' } })).peer.tls.enabled, false);
  });

  test('CORE_CHAINCODE_SYSTEM_LSCC=disable turns one system chaincode off', async () => {
    const cfg = await loadCoreConfig({ env: { CORE_CHAINCODE_SYSTEM_LSCC: 'disable' } });
    assert.deepEqual(cfg.chaincode.system, { _lifecycle: 'enable', cscc: 'enable', lscc: 'disable', qscc: 'enable' });
  });

  test('CORE_CHAINCODE_SYSTEM__LIFECYCLE=disable reaches _lifecycle', async () => {
    const cfg = await loadCoreConfig({ env: { CORE_CHAINCODE_SYSTEM__LIFECYCLE: 'disable' } });
    assert.equal(cfg.chaincode.system._lifecycle, 'disable');
    assert.equal(Object.keys(cfg.chaincode.system).length, 4);
  });

  test('CORE_CHAINCODE_SYSTEM_MYPLUGIN=enable adds an entry', async () => {
    const cfg = await loadCoreConfig({ env: { CORE_CHAINCODE_SYSTEM_MYPLUGIN: 'enable' } });
    assert.equal(cfg.chaincode.system.myplugin, 'enable');
    assert.equal(cfg.chaincode.system.lscc, 'enable');
  });

  test('a system entry from the file may be a YAML boolean', async () => {
    const dir = await cfgDir('chaincode:\n  system:\n    lscc: false\n    mycc: true\n');
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } });
    assert.equal(cfg.chaincode.system.lscc, 'false');
    assert.equal(cfg.chaincode.system.mycc, 'true');
  });

  test('an empty CORE_* variable is ignored, as Fabric (viper) ignores it', async () => {
    const cfg = await loadCoreConfig({ env: { CORE_PEER_ID: '', CORE_PEER_FILESYSTEMPATH: '' }, cwd: '/srv' });
    assert.equal(cfg.peer.id, 'peer0.org1.example.com');
    assert.equal(cfg.peer.fileSystemPath, '/srv/data');
  });
});

describe('loadCoreConfig: chaincode.startuptimeout floor', () => {
  test('below 5s is raised to 5s', async () => {
    assert.equal((await loadCoreConfig({ env: { CORE_CHAINCODE_STARTUPTIMEOUT: '1s' } })).chaincode.startupTimeoutMs, 5000);
    assert.equal((await loadCoreConfig({ env: { CORE_CHAINCODE_STARTUPTIMEOUT: '0' } })).chaincode.startupTimeoutMs, 5000);
    assert.equal((await loadCoreConfig({ env: { CORE_CHAINCODE_STARTUPTIMEOUT: '4999ms' } })).chaincode.startupTimeoutMs, 5000);
  });

  test('5s and above are kept', async () => {
    assert.equal((await loadCoreConfig({ env: { CORE_CHAINCODE_STARTUPTIMEOUT: '5s' } })).chaincode.startupTimeoutMs, 5000);
    assert.equal((await loadCoreConfig({ env: { CORE_CHAINCODE_STARTUPTIMEOUT: '5001ms' } })).chaincode.startupTimeoutMs, 5001);
  });

  test('a YAML number 0 is a zero duration (then raised to 5s)', async () => {
    const dir = await cfgDir('chaincode:\n  startuptimeout: 0\n');
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } });
    assert.equal(cfg.chaincode.startupTimeoutMs, 5000);
  });
});

describe('loadCoreConfig: invalid values', () => {
  test("metrics: Fabric's three providers, StatsD's settings and prefix; another provider names the key", async () => {
    const cfg = await loadCoreConfig({
      env: { CORE_METRICS_PROVIDER: 'statsd', CORE_METRICS_STATSD_ADDRESS: '10.0.0.5:9125', CORE_METRICS_STATSD_WRITEINTERVAL: '2s', CORE_METRICS_STATSD_PREFIX: 'org1' },
    });
    assert.deepEqual(cfg.metrics, { provider: 'statsd', statsd: { network: 'udp', address: '10.0.0.5:9125', writeIntervalMs: 2000, prefix: 'org1.' } });
    await assertConfigError(() => loadCoreConfig({ env: { CORE_METRICS_PROVIDER: 'graphite' } }), 'CONFIG_INVALID_VALUE', 'metrics.provider', 'graphite', "'prometheus'");
    await assertConfigError(
      () => loadCoreConfig({ env: { CORE_METRICS_PROVIDER: 'statsd', CORE_METRICS_STATSD_NETWORK: 'tcp' } }),
      'CONFIG_INVALID_VALUE',
      'metrics.statsd.network',
    );
  });

  test('operations.tls on without its certificate or key names the missing key; relative paths are taken from the config folder', async () => {
    await assertConfigError(
      () => loadCoreConfig({ env: { CORE_OPERATIONS_TLS_ENABLED: 'true', CORE_OPERATIONS_TLS_KEY_FILE: 'k.pem' } }),
      'CONFIG_INVALID_VALUE',
      'operations.tls.cert.file',
    );
    await assertConfigError(
      () => loadCoreConfig({ env: { CORE_OPERATIONS_TLS_ENABLED: 'true', CORE_OPERATIONS_TLS_CERT_FILE: 'c.pem' } }),
      'CONFIG_INVALID_VALUE',
      'operations.tls.key.file',
    );
    const dir = await cfgDir('operations:\n  tls:\n    enabled: true\n    cert:\n      file: tls/server.crt\n    key:\n      file: tls/server.key\n    clientRootCAs:\n      files: [tls/ca.crt]\n');
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } });
    assert.deepEqual(cfg.operations.tls, {
      enabled: true,
      certFile: join(dir, 'tls/server.crt'),
      keyFile: join(dir, 'tls/server.key'),
      clientAuthRequired: false,
      clientRootCAFiles: [join(dir, 'tls/ca.crt')],
    });
  });

  test('chaincode.trace.size is at least one message', async () => {
    await assertConfigError(() => loadCoreConfig({ env: { CORE_CHAINCODE_TRACE_SIZE: '0' } }), 'CONFIG_INVALID_VALUE', 'chaincode.trace.size', 'at least 1');
  });

  test('the transient store retention is a whole number of blocks, at least 1', async () => {
    const cfg = await loadCoreConfig({ env: { CORE_PEER_GOSSIP_PVTDATA_TRANSIENTSTOREMAXBLOCKRETENTION: '20' } });
    assert.equal(cfg.peer.transientstoreMaxBlockRetention, 20);
    await assertConfigError(
      () => loadCoreConfig({ env: { CORE_PEER_GOSSIP_PVTDATA_TRANSIENTSTOREMAXBLOCKRETENTION: '0' } }),
      'CONFIG_INVALID_VALUE',
      'peer.gossip.pvtData.transientstoreMaxBlockRetention',
      'must be at least 1',
      '(from CORE_PEER_GOSSIP_PVTDATA_TRANSIENTSTOREMAXBLOCKRETENTION)',
    );
  });

  test('CORE_CHAINCODE_STARTUPTIMEOUT=abc names the key, the value and the variable', async () => {
    await assertConfigError(
      () => loadCoreConfig({ env: { CORE_CHAINCODE_STARTUPTIMEOUT: 'abc' } }),
      'CONFIG_INVALID_VALUE',
      'chaincode.startuptimeout',
      '"abc"',
      '(from CORE_CHAINCODE_STARTUPTIMEOUT)',
    );
  });

  test('a bad duration in the file names the key and value but no variable', async () => {
    const dir = await cfgDir('chaincode:\n  executetimeout: soon\n');
    await assert.rejects(
      () => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.code, 'CONFIG_INVALID_VALUE');
        assert.match(err.message, /chaincode\.executetimeout/);
        assert.match(err.message, /"soon"/);
        assert.doesNotMatch(err.message, /from CORE_/);
        return true;
      },
    );
  });

  test('a YAML number other than 0 for a duration is rejected', async () => {
    const dir = await cfgDir('chaincode:\n  executetimeout: 30\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'chaincode.executetimeout', '30');
  });

  test('peer.tls.enabled: maybe', async () => {
    const dir = await cfgDir('peer:\n  tls:\n    enabled: maybe\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'peer.tls.enabled', '"maybe"');
  });

  test('CORE_PEER_TLS_ENABLED=maybe names the variable', async () => {
    await assertConfigError(
      () => loadCoreConfig({ env: { CORE_PEER_TLS_ENABLED: 'maybe' } }),
      'CONFIG_INVALID_VALUE',
      'peer.tls.enabled',
      '"maybe"',
      '(from CORE_PEER_TLS_ENABLED)',
    );
  });

  test('an address without a port', async () => {
    await assertConfigError(
      () => loadCoreConfig({ env: { CORE_PEER_LISTENADDRESS: 'localhost' } }),
      'CONFIG_INVALID_VALUE',
      'peer.listenAddress',
      '"localhost"',
      '(from CORE_PEER_LISTENADDRESS)',
    );
  });

  test('addresses with an empty, non-numeric or too large port', async () => {
    for (const bad of ['localhost:', 'localhost:http', 'localhost:70000', 'localhost:-1']) {
      await assertConfigError(
        () => loadCoreConfig({ env: { CORE_PEER_CHAINCODELISTENADDRESS: bad } }),
        'CONFIG_INVALID_VALUE',
        'peer.chaincodeListenAddress',
        JSON.stringify(bad),
      );
    }
  });

  test('a bad optional chaincodeAddress is rejected too', async () => {
    await assertConfigError(
      () => loadCoreConfig({ env: { CORE_PEER_CHAINCODEADDRESS: 'peer0' } }),
      'CONFIG_INVALID_VALUE',
      'peer.chaincodeAddress',
      '"peer0"',
    );
  });

  test('a required address that is missing', async () => {
    const dir = await cfgDir('peer:\n  address:\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'peer.address', 'host:port');
  });

  test('chaincode.mode: bogus', async () => {
    const dir = await cfgDir('chaincode:\n  mode: bogus\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'chaincode.mode', '"bogus"');
  });

  test('CORE_CHAINCODE_MODE=bogus names the variable', async () => {
    await assertConfigError(
      () => loadCoreConfig({ env: { CORE_CHAINCODE_MODE: 'bogus' } }),
      'CONFIG_INVALID_VALUE',
      'chaincode.mode',
      '(from CORE_CHAINCODE_MODE)',
    );
  });

  test('keepalive: x', async () => {
    const dir = await cfgDir('chaincode:\n  keepalive: x\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'chaincode.keepalive', '"x"');
  });

  test('keepalive that is not whole, from the variable', async () => {
    await assertConfigError(
      () => loadCoreConfig({ env: { CORE_CHAINCODE_KEEPALIVE: '1.5' } }),
      'CONFIG_INVALID_VALUE',
      'chaincode.keepalive',
      '"1.5"',
      '(from CORE_CHAINCODE_KEEPALIVE)',
    );
  });

  test('an empty fileSystemPath', async () => {
    const dir = await cfgDir('peer:\n  fileSystemPath: ""\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'peer.fileSystemPath');
  });

  test('a mapping where a string belongs', async () => {
    const dir = await cfgDir('peer:\n  id:\n    nested: 1\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'peer.id', 'not a string');
  });

  test('chaincode.system that is not a mapping', async () => {
    const dir = await cfgDir('chaincode:\n  system: everything\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'chaincode.system', '"everything"');
  });

  test('a chaincode.system entry that is not a word', async () => {
    const dir = await cfgDir('chaincode:\n  system:\n    lscc: [1, 2]\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'chaincode.system.lscc');
  });
});

describe('loadCoreConfig: chaincode.systemPlugins', () => {
  test('entries are parsed with their flags', async () => {
    const dir = await cfgDir(
      'chaincode:\n  systemPlugins:\n' +
        '    - enabled: true\n      name: mysyscc\n      path: /opt/weft/plugins/mysyscc.js\n      invokableExternal: true\n      invokableCC2CC: false\n' +
        '    - name: other\n      path: ./other.js\n',
    );
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } });
    assert.deepEqual(cfg.chaincode.systemPlugins, [
      { enabled: true, name: 'mysyscc', path: '/opt/weft/plugins/mysyscc.js', invokableExternal: true, invokableCC2CC: false },
      { enabled: false, name: 'other', path: './other.js', invokableExternal: false, invokableCC2CC: false },
    ]);
  });

  test('an entry without a name is rejected naming chaincode.systemPlugins[0].name', async () => {
    const dir = await cfgDir('chaincode:\n  systemPlugins:\n    - enabled: true\n      path: /p.js\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'chaincode.systemPlugins[0].name');
  });

  test('an entry without a path is rejected naming its index', async () => {
    const dir = await cfgDir('chaincode:\n  systemPlugins:\n    - name: a\n      path: /a.js\n    - name: b\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'chaincode.systemPlugins[1].path');
  });

  test('an entry with a bad flag names the entry and flag', async () => {
    const dir = await cfgDir('chaincode:\n  systemPlugins:\n    - name: a\n      path: /a.js\n      enabled: perhaps\n');
    await assertConfigError(
      () => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }),
      'CONFIG_INVALID_VALUE',
      'chaincode.systemPlugins[0].enabled',
      '"perhaps"',
    );
  });

  test('an entry that is not a mapping', async () => {
    const dir = await cfgDir('chaincode:\n  systemPlugins:\n    - just-a-name\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'chaincode.systemPlugins[0]', '"just-a-name"');
  });

  test('systemPlugins that is not a list', async () => {
    const dir = await cfgDir('chaincode:\n  systemPlugins: mysyscc\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'chaincode.systemPlugins', 'not a list');
  });
});

describe('loadCoreConfig: the Docker VM and operations keys', () => {
  test('CORE_VM_TYPE=docker, the endpoint, the runtime image and HostConfig keys from the environment', async () => {
    const cfg = await loadCoreConfig({
      env: {
        CORE_VM_TYPE: 'docker',
        CORE_VM_ENDPOINT: 'tcp://127.0.0.1:2375',
        CORE_CHAINCODE_NODE_RUNTIME: 'my/nodeenv:1',
        CORE_VM_DOCKER_HOSTCONFIG_MEMORY: '268435456',
        CORE_VM_DOCKER_HOSTCONFIG_DNS: '10.0.0.2 10.0.0.3',
        CORE_VM_DOCKER_ATTACHSTDOUT: 'false',
        CORE_OPERATIONS_LISTENADDRESS: '127.0.0.1:9443',
      },
    });
    assert.equal(cfg.vm.type, 'docker');
    assert.equal(cfg.vm.endpoint, 'tcp://127.0.0.1:2375');
    assert.equal(cfg.chaincode.node.runtime, 'my/nodeenv:1');
    assert.equal(cfg.vm.docker.hostConfig.Memory, 268435456);
    assert.deepEqual(cfg.vm.docker.hostConfig.Dns, ['10.0.0.2', '10.0.0.3']);
    assert.equal(cfg.vm.docker.attachStdout, false);
    assert.equal(cfg.operations.listenAddress, '127.0.0.1:9443');
  });

  test("a vm.type other than process or docker stops start naming the key and the value", async () => {
    await assertConfigError(() => loadCoreConfig({ env: { CORE_VM_TYPE: 'kubernetes' } }), 'CONFIG_INVALID_VALUE', 'vm.type (from CORE_VM_TYPE)', '"kubernetes"');
  });

  test('with vm.type docker, an endpoint that is not a Docker address is refused', async () => {
    await assertConfigError(() => loadCoreConfig({ env: { CORE_VM_TYPE: 'docker', CORE_VM_ENDPOINT: '/var/run/docker.sock' } }), 'CONFIG_INVALID_VALUE', 'vm.endpoint', '"/var/run/docker.sock"');
  });

  test('a HostConfig key Weft does not pass on is refused, not dropped', async () => {
    const dir = await cfgDir('vm:\n  docker:\n    hostConfig:\n      NetworkMode: host\n      Memroy: 100\n');
    await assertConfigError(() => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }), 'CONFIG_INVALID_VALUE', 'vm.docker.hostConfig.Memroy', 'not a HostConfig key');
  });

  test("HostConfig's NetworkMode is host unless set, and a bad Memory names the key", async () => {
    const dir = await cfgDir('vm:\n  docker:\n    hostConfig:\n      Memory: 100\n');
    assert.equal((await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } })).vm.docker.hostConfig.NetworkMode, 'host');
    await assertConfigError(() => loadCoreConfig({ env: { CORE_VM_DOCKER_HOSTCONFIG_MEMORY: 'lots' } }), 'CONFIG_INVALID_VALUE', 'vm.docker.hostConfig.Memory', '"lots"');
  });
});

describe('loadCoreConfig: the shape of core.yaml', () => {
  test('a section given a single value names the section, not a key inside it', async () => {
    await assertConfigError(async () => loadCoreConfig({ env: { FABRIC_CFG_PATH: await cfgDir('chaincode: 5\n') } }), 'CONFIG_INVALID_VALUE', 'invalid value for chaincode: 5 is not a mapping');
    await assertConfigError(async () => loadCoreConfig({ env: { FABRIC_CFG_PATH: await cfgDir('peer:\n  tls: yes\n') } }), 'CONFIG_INVALID_VALUE', 'invalid value for peer.tls: "yes" is not a mapping');
    await assertConfigError(async () => loadCoreConfig({ env: { FABRIC_CFG_PATH: await cfgDir('vm: [1]\n') } }), 'CONFIG_INVALID_VALUE', 'invalid value for vm: [1] is not a mapping');
  });

  test('an empty section keeps its defaults', async () => {
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: await cfgDir('chaincode:\npeer:\n  tls:\n') } });
    assert.equal(cfg.chaincode.executeTimeoutMs, 30_000);
    assert.equal(cfg.peer.tls.enabled, false);
  });

  test('unknown keys are told to `warn` once each, with the closest known key; Fabric\'s own keys are known', async () => {
    const warnings: string[] = [];
    const dir = await cfgDir(
      'peer:\n  listenAdress: 1.2.3.4:7051\n  gossip:\n    bootstrap: x:1\n  BCCSP:\n    Default: SW\n  maxRecvMsgSize: 100\n' +
        'chaincode:\n  system:\n    mycc: enable\n  externalBuilders: []\nledger:\n  state:\n    totalQueryLimit: 5\n    couchdbconfig:\n      couchDBAddress: x\n' +
        'vm:\n  docker:\n    atachStdout: true\nzzz:\n  a: 1\n',
    );
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: dir }, warn: (message) => warnings.push(message) });
    assert.equal(cfg.peer.listenAddress, '0.0.0.0:7051');
    assert.deepEqual(warnings, [
      'unknown key peer.listenAdress in core.yaml; did you mean peer.listenAddress?',
      'unknown key vm.docker.atachStdout in core.yaml; did you mean vm.docker.attachStdout?',
      'unknown key zzz in core.yaml; it is ignored',
    ]);
  });

  test('the embedded defaults have no unknown keys', async () => {
    const warnings: string[] = [];
    await loadCoreConfig({ env: {}, warn: (message) => warnings.push(message) });
    assert.deepEqual(warnings, []);
  });

  test('a YAML error is one line naming the file, the line and the column', async () => {
    const dir = await cfgDir('peer:\n  id: [\n');
    await assert.rejects(
      () => loadCoreConfig({ env: { FABRIC_CFG_PATH: dir } }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.ok(!err.message.includes('\n'), JSON.stringify(err.message));
        assert.match(err.message, new RegExp(`^error when reading core config file ${join(dir, 'core.yaml')}: .* at line 3, column 1$`));
        return true;
      },
    );
  });

  test('peer.fileSystemPath that is a file is refused', async () => {
    const dir = await cfgDir(undefined);
    const file = join(dir, 'file');
    await writeFile(file, '');
    await assertConfigError(() => loadCoreConfig({ env: { CORE_PEER_FILESYSTEMPATH: file } }), 'CONFIG_INVALID_VALUE', `peer.fileSystemPath (from CORE_PEER_FILESYSTEMPATH): "${file}" is not a folder`);
  });
});

describe('loadCoreConfig: values out of range', () => {
  test('chaincode.executetimeout must be more than 0', async () => {
    await assertConfigError(() => loadCoreConfig({ env: { CORE_CHAINCODE_EXECUTETIMEOUT: '0s' } }), 'CONFIG_INVALID_VALUE', 'chaincode.executetimeout (from CORE_CHAINCODE_EXECUTETIMEOUT): "0s" must be more than 0s');
    await assertConfigError(async () => loadCoreConfig({ env: { FABRIC_CFG_PATH: await cfgDir('chaincode:\n  executetimeout: 0\n') } }), 'CONFIG_INVALID_VALUE', 'chaincode.executetimeout: 0 must be more than 0s');
  });

  test('chaincode.keepalive may not be negative', async () => {
    await assertConfigError(() => loadCoreConfig({ env: { CORE_CHAINCODE_KEEPALIVE: '-1' } }), 'CONFIG_INVALID_VALUE', 'chaincode.keepalive (from CORE_CHAINCODE_KEEPALIVE): "-1" must be 0 (no keepalive) or more seconds');
  });

  test('the delivery client timeouts must be more than 0', async () => {
    await assertConfigError(() => loadCoreConfig({ env: { CORE_PEER_DELIVERYCLIENT_CONNTIMEOUT: '0s' } }), 'CONFIG_INVALID_VALUE', 'peer.deliveryclient.connTimeout', 'must be more than 0s');
    await assertConfigError(() => loadCoreConfig({ env: { CORE_PEER_DELIVERYCLIENT_RECONNECTBACKOFFTHRESHOLD: '0' } }), 'CONFIG_INVALID_VALUE', 'peer.deliveryclient.reConnectBackoffThreshold', 'must be more than 0s');
  });
});

describe("loadCoreConfig: gRPC message limits (Fabric's peer.maxRecvMsgSize / peer.maxSendMsgSize)", () => {
  test("default to Fabric's 100 MiB each", async () => {
    const cfg = await loadCoreConfig({ env: {} });
    assert.equal(cfg.peer.maxRecvMsgSize, 104_857_600);
    assert.equal(cfg.peer.maxSendMsgSize, 104_857_600);
  });

  test('are read from core.yaml and CORE_* variables', async () => {
    const cfg = await loadCoreConfig({ env: { FABRIC_CFG_PATH: await cfgDir('peer:\n  maxRecvMsgSize: 2048\n'), CORE_PEER_MAXSENDMSGSIZE: '4096' } });
    assert.equal(cfg.peer.maxRecvMsgSize, 2048);
    assert.equal(cfg.peer.maxSendMsgSize, 4096);
  });

  test('a size that is not a whole number from 1 to 2147483647 names the key', async () => {
    await assertConfigError(() => loadCoreConfig({ env: { CORE_PEER_MAXRECVMSGSIZE: 'big' } }), 'CONFIG_INVALID_VALUE', 'peer.maxRecvMsgSize (from CORE_PEER_MAXRECVMSGSIZE): "big" is not a whole number');
    await assertConfigError(() => loadCoreConfig({ env: { CORE_PEER_MAXSENDMSGSIZE: '-1' } }), 'CONFIG_INVALID_VALUE', 'peer.maxSendMsgSize (from CORE_PEER_MAXSENDMSGSIZE): "-1" must be from 1 to 2147483647 bytes');
    await assertConfigError(() => loadCoreConfig({ env: { CORE_PEER_MAXSENDMSGSIZE: '2147483648' } }), 'CONFIG_INVALID_VALUE', 'must be from 1 to 2147483647 bytes');
  });
});
