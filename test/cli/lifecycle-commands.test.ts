import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { parseInstallPackage } from '../../src/chaincode/persistence/chaincode-install-package.js';
import { CliError } from '../../src/cli/cli-error.js';
import { approveArgs, checkCommitReadinessArgs, commitArgs } from '../../src/client/lifecycle-args.js';
import { definitionFromFlags, validationParameterOf, type DefinitionFlags } from '../../src/cli/lifecycle-definition.js';
import {
  approvedDefinitionJson,
  approvedDefinitionText,
  commitReadinessJson,
  commitReadinessText,
  committedDefinitionJson,
  committedDefinitionsJson,
  committedDefinitionsText,
  committedDefinitionText,
  goJsonText,
  installedChaincodesJson,
  installedChaincodesText,
  packageIdJson,
} from '../../src/cli/lifecycle-output.js';
import { packChaincodeSource } from '../../src/client/chaincode-source-package.js';
import {
  ApplicationPolicy,
  ChaincodeSource,
  CheckCommitReadinessResult,
  QueryApprovedChaincodeDefinitionResult,
  QueryChaincodeDefinitionResult,
  QueryChaincodeDefinitionsResult,
  QueryInstalledChaincodesResult,
} from '../../src/common/protos/lifecycle.js';
import { parseSignaturePolicy } from '../../src/policies/signature-policy-dsl.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runWeft } from '../helpers/weft-process.js';

/** The regular files of a gzipped tar, by path. */
async function tarFiles(bytes: Uint8Array): Promise<Map<string, Buffer>> {
  const { Parser } = await import('tar');
  const files = new Map<string, Buffer>();
  const parser = new Parser({
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => files.set(entry.path, Buffer.concat(chunks)));
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('end', resolve);
    Readable.from([Buffer.from(bytes)]).pipe(parser);
  });
  return files;
}

async function nodeChaincodeFolder(): Promise<string> {
  const dir = await tempDir('weft-lc-src-');
  await writeFile(join(dir, 'package.json'), '{"name":"cc","scripts":{"start":"fabric-chaincode-node start"}}');
  await writeFile(join(dir, 'index.js'), 'module.exports = {};\n');
  await mkdir(join(dir, 'lib'));
  await writeFile(join(dir, 'lib', 'contract.js'), '// contract\n');
  await mkdir(join(dir, 'node_modules', 'dep'), { recursive: true });
  await writeFile(join(dir, 'node_modules', 'dep', 'index.js'), '// never packed\n');
  await mkdir(join(dir, 'META-INF', 'statedb', 'couchdb', 'indexes'), { recursive: true });
  await writeFile(join(dir, 'META-INF', 'statedb', 'couchdb', 'indexes', 'byOwner.json'), '{"index":{"fields":["owner"]}}');
  await writeFile(join(dir, 'META-INF', '.hidden'), 'left out');
  return dir;
}

const env = (dir: string): NodeJS.ProcessEnv => ({ CORE_PEER_FILESYSTEMPATH: join(dir, 'data') });

describe('weft lifecycle chaincode package and calculatepackageid', () => {
  test('a node package holds metadata.json and code.tar.gz with the source under src/; its ID is label:sha256 of the file', async () => {
    const src = await nodeChaincodeFolder();
    const dir = await tempDir('weft-lc-pkg-');
    const out = join(dir, 'basic.tar.gz');
    const packaged = await runWeft(['lifecycle', 'chaincode', 'package', out, '-p', src, '--lang', 'node', '--label', 'basic_1.0'], env(dir));
    assert.equal(packaged.code, 0, packaged.stderr);
    const bytes = await readFile(out);

    const outer = await tarFiles(bytes);
    assert.deepEqual([...outer.keys()], ['metadata.json', 'code.tar.gz']);
    assert.deepEqual(JSON.parse(outer.get('metadata.json')?.toString() ?? ''), { path: src, type: 'node', label: 'basic_1.0' });
    const code = await tarFiles(outer.get('code.tar.gz') ?? Buffer.alloc(0));
    assert.deepEqual([...code.keys()].sort(), ['META-INF/statedb/couchdb/indexes/byOwner.json', 'src/index.js', 'src/lib/contract.js', 'src/package.json']);
    const parsed = await parseInstallPackage(bytes);
    assert.equal(parsed.metadata.label, 'basic_1.0');

    const id = `basic_1.0:${createHash('sha256').update(bytes).digest('hex')}`;
    const plain = await runWeft(['lifecycle', 'chaincode', 'calculatepackageid', out], env(dir));
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout, `${id}\n`);
    const json = await runWeft(['lifecycle', 'chaincode', 'calculatepackageid', out, '--output', 'json'], env(dir));
    assert.equal(json.stdout, `{\n\t"package_id": "${id}"\n}\n`);
  });

  test('packing the same folder twice gives the same bytes, so the same package ID', async () => {
    const src = await nodeChaincodeFolder();
    assert.deepEqual(Buffer.from(await packChaincodeSource(src, 'node')), Buffer.from(await packChaincodeSource(src, 'node')));
  });

  test('a ccaas package holds the folder as it is (connection.json at the top)', async () => {
    const src = await tempDir('weft-lc-ccaas-');
    await writeFile(join(src, 'connection.json'), '{"address":"127.0.0.1:9999","dial_timeout":"10s"}');
    const code = await tarFiles(await packChaincodeSource(src, 'ccaas'));
    assert.deepEqual([...code.keys()], ['connection.json']);
  });

  test("a bad label, a missing path or label, and a file that is no package are refused in Fabric's words", async () => {
    const src = await nodeChaincodeFolder();
    const dir = await tempDir('weft-lc-bad-');
    const out = join(dir, 'x.tar.gz');
    const bad = await runWeft(['lifecycle', 'chaincode', 'package', out, '-p', src, '-l', 'node', '--label', 'bad label!'], env(dir));
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /^Error: invalid label 'bad label!'\. Label must be non-empty, can only consist of alphanumerics, symbols from '\.\+-_', and can only begin with alphanumerics$/m,
    );
    const noLabel = await runWeft(['lifecycle', 'chaincode', 'package', out, '-p', src, '-l', 'node'], env(dir));
    assert.match(noLabel.stderr, /^Error: package label must be specified$/m);
    const noPath = await runWeft(['lifecycle', 'chaincode', 'package', out, '--label', 'a'], env(dir));
    assert.match(noPath.stderr, /^Error: chaincode path must be specified$/m);
    const noFile = await runWeft(['lifecycle', 'chaincode', 'package', '-p', src, '--label', 'a'], env(dir));
    assert.match(noFile.stderr, /^Error: invalid number of args\. expected only the output file$/m);

    await writeFile(join(dir, 'junk'), 'not a package');
    const junk = await runWeft(['lifecycle', 'chaincode', 'calculatepackageid', join(dir, 'junk')], env(dir));
    assert.equal(junk.code, 1);
    assert.match(junk.stderr, /^Error: could not parse as a chaincode install package/m);
    const missing = await runWeft(['lifecycle', 'chaincode', 'calculatepackageid', join(dir, 'nothing')], env(dir));
    assert.match(missing.stderr, /^Error: failed to read chaincode package at '.*nothing'/m);
  });

  test('approveformyorg and commit name the missing flag before dialling anything', async () => {
    const dir = await tempDir('weft-lc-flags-');
    const noChannel = await runWeft(['lifecycle', 'chaincode', 'approveformyorg', '-n', 'cc', '-v', '1', '--sequence', '1'], env(dir));
    assert.equal(noChannel.code, 1);
    assert.match(noChannel.stderr, /^Error: The required parameter 'channelID' is empty\. Rerun the command with -C flag$/m);
    const noSequence = await runWeft(['lifecycle', 'chaincode', 'commit', '-C', 'ch', '-n', 'cc', '-v', '1'], env(dir));
    assert.match(noSequence.stderr, /^Error: The required parameter 'sequence' is empty\. Rerun the command with --sequence flag$/m);
    const badSequence = await runWeft(['lifecycle', 'chaincode', 'commit', '-C', 'ch', '-n', 'cc', '-v', '1', '--sequence', 'two'], env(dir));
    assert.match(badSequence.stderr, /^Error: invalid argument "two" for "--sequence" flag/m);
    const badWait = await runWeft(['lifecycle', 'chaincode', 'commit', '-C', 'ch', '-n', 'cc', '-v', '1', '--sequence', '1', '--waitForEvent=maybe'], env(dir));
    assert.match(badWait.stderr, /invalid argument "maybe" for "--waitForEvent" flag/);
    const noPackageId = await runWeft(['lifecycle', 'chaincode', 'getinstalledpackage'], env(dir));
    assert.match(noPackageId.stderr, /^Error: The required parameter 'package-id' is empty\. Rerun the command with --package-id flag$/m);
    const noChannelQuery = await runWeft(['lifecycle', 'chaincode', 'querycommitted'], env(dir));
    assert.match(noChannelQuery.stderr, /^Error: channel name must be specified$/m);
  });
});

const flags = (extra: Partial<DefinitionFlags> = {}): DefinitionFlags => ({ channelID: 'mychannel', name: 'basic', version: '1.0', sequence: '1', ...extra });

describe('the definition flags of approveformyorg, checkcommitreadiness and commit', () => {
  test('name, version, sequence and init-required reach every Args message; no policy is empty bytes', async () => {
    const def = await definitionFromFlags(flags({ sequence: '3', initRequired: true, endorsementPlugin: 'escc', validationPlugin: 'vscc' }));
    for (const args of [approveArgs(def), commitArgs(def), checkCommitReadinessArgs(def)]) {
      assert.equal(args.getName(), 'basic');
      assert.equal(args.getVersion(), '1.0');
      assert.equal(args.getSequence(), 3);
      assert.equal(args.getInitRequired(), true);
      assert.equal(args.getEndorsementPlugin(), 'escc');
      assert.equal(args.getValidationPlugin(), 'vscc');
      assert.equal(args.getValidationParameter_asU8().length, 0);
      assert.equal(args.getCollections(), undefined);
    }
    const plain = await definitionFromFlags(flags());
    assert.equal(commitArgs(plain).getInitRequired(), false);
  });

  test('approve names the package as a local package, or as unavailable without --package-id', async () => {
    const withPackage = approveArgs(await definitionFromFlags(flags({ packageId: 'basic_1.0:abc' })));
    assert.equal(withPackage.getSource()?.getLocalPackage()?.getPackageId(), 'basic_1.0:abc');
    const without = approveArgs(await definitionFromFlags(flags()));
    assert.equal(without.getSource()?.hasUnavailable(), true);
    assert.equal(without.getSource()?.getLocalPackage(), undefined);
  });

  test('--signature-policy becomes an ApplicationPolicy holding the signature policy', () => {
    const policy = ApplicationPolicy.deserializeBinary(validationParameterOf("AND('Org1MSP.peer','Org2MSP.peer')", undefined));
    const envelope = policy.getSignaturePolicy();
    assert.ok(envelope !== undefined);
    assert.deepEqual(Buffer.from(envelope.serializeBinary()), Buffer.from(parseSignaturePolicy("AND('Org1MSP.peer','Org2MSP.peer')").serializeBinary()));
    assert.equal(policy.hasChannelConfigPolicyReference(), false);
  });

  test('--channel-config-policy becomes an ApplicationPolicy referring to the channel policy', () => {
    const policy = ApplicationPolicy.deserializeBinary(validationParameterOf(undefined, '/Channel/Application/Endorsement'));
    assert.equal(policy.getChannelConfigPolicyReference(), '/Channel/Application/Endorsement');
    assert.equal(policy.getSignaturePolicy(), undefined);
  });

  test("both policies, or a policy that does not parse, are refused in Fabric's words", async () => {
    assert.throws(() => validationParameterOf("OR('A.member')", '/Channel/Application/Endorsement'), {
      message: 'cannot specify both "--signature-policy" and "--channel-config-policy"',
    });
    assert.throws(() => validationParameterOf('NOPE(', undefined), (err: unknown) => err instanceof CliError && err.message === 'invalid signature policy: NOPE(');
    await assert.rejects(definitionFromFlags(flags({ signaturePolicy: 'NOPE(' })), { message: 'invalid signature policy: NOPE(' });
  });

  test('--collections-config is read into the Args; a bad file names itself', async () => {
    const dir = await tempDir('weft-lc-coll-');
    const file = join(dir, 'collections.json');
    await writeFile(
      file,
      JSON.stringify([{ name: 'private', policy: "OR('Org1MSP.member')", requiredPeerCount: 0, maxPeerCount: 1, blockToLive: 5, memberOnlyRead: true }]),
    );
    const args = commitArgs(await definitionFromFlags(flags({ collectionsConfig: file })));
    const collection = args.getCollections()?.getConfigList()[0]?.getStaticCollectionConfig();
    assert.ok(collection !== undefined);
    assert.equal(collection.getName(), 'private');
    assert.equal(collection.getBlockToLive(), 5);
    assert.equal(collection.getMemberOnlyRead(), true);
    await assert.rejects(definitionFromFlags(flags({ collectionsConfig: join(dir, 'none.json') })), (err: unknown) =>
      err instanceof CliError && err.message.startsWith(`invalid collection configuration in file ${join(dir, 'none.json')}: `),
    );
  });

  test('missing flags are named in order: channel, name, version, sequence', async () => {
    await assert.rejects(definitionFromFlags(flags({ channelID: undefined })), { message: "The required parameter 'channelID' is empty. Rerun the command with -C flag" });
    await assert.rejects(definitionFromFlags(flags({ name: '' })), { message: "The required parameter 'name' is empty. Rerun the command with -n flag" });
    await assert.rejects(definitionFromFlags(flags({ version: undefined })), { message: "The required parameter 'version' is empty. Rerun the command with -v flag" });
    await assert.rejects(definitionFromFlags(flags({ sequence: undefined })), {
      message: "The required parameter 'sequence' is empty. Rerun the command with --sequence flag",
    });
  });
});

describe('the lifecycle query output, as Fabric prints it', () => {
  test('queryinstalled: text, and JSON with snake_case names, references by channel, empty as {}', () => {
    const result = new QueryInstalledChaincodesResult();
    const installed = new QueryInstalledChaincodesResult.InstalledChaincode();
    installed.setPackageId('basic_1.0:abc');
    installed.setLabel('basic_1.0');
    const refs = new QueryInstalledChaincodesResult.References();
    const cc = new QueryInstalledChaincodesResult.Chaincode();
    cc.setName('basic');
    cc.setVersion('1.0');
    refs.addChaincodes(cc);
    installed.getReferencesMap().set('mychannel', refs);
    result.addInstalledChaincodes(installed);
    assert.equal(installedChaincodesText(result), 'Installed chaincodes on peer:\nPackage ID: basic_1.0:abc, Label: basic_1.0\n');
    assert.equal(
      installedChaincodesJson(result),
      '{\n\t"installed_chaincodes": [\n\t\t{\n\t\t\t"package_id": "basic_1.0:abc",\n\t\t\t"label": "basic_1.0",\n\t\t\t"references": {\n' +
        '\t\t\t\t"mychannel": {\n\t\t\t\t\t"chaincodes": [\n\t\t\t\t\t\t{\n\t\t\t\t\t\t\t"name": "basic",\n\t\t\t\t\t\t\t"version": "1.0"\n' +
        '\t\t\t\t\t\t}\n\t\t\t\t\t]\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\t]\n}\n',
    );
    assert.equal(installedChaincodesJson(new QueryInstalledChaincodesResult()), '{}\n');
  });

  test('queryapproved: the source as a oneof, bytes in base64, false and empty left out', () => {
    const result = new QueryApprovedChaincodeDefinitionResult();
    result.setSequence(7);
    result.setVersion('1.0');
    result.setEndorsementPlugin('escc');
    result.setValidationPlugin('vscc');
    result.setValidationParameter(Buffer.from('param'));
    const source = new ChaincodeSource();
    const local = new ChaincodeSource.Local();
    local.setPackageId('basic_1.0:abc');
    source.setLocalPackage(local);
    result.setSource(source);
    assert.equal(
      approvedDefinitionJson(result),
      '{\n\t"sequence": 7,\n\t"version": "1.0",\n\t"endorsement_plugin": "escc",\n\t"validation_plugin": "vscc",\n\t"validation_parameter": "cGFyYW0=",\n' +
        '\t"source": {\n\t\t"Type": {\n\t\t\t"LocalPackage": {\n\t\t\t\t"package_id": "basic_1.0:abc"\n\t\t\t}\n\t\t}\n\t}\n}\n',
    );
    assert.equal(
      approvedDefinitionText('basic', 'mychannel', result),
      "Approved chaincode definition for chaincode 'basic' on channel 'mychannel':\n" +
        'sequence: 7, version: 1.0, init-required: false, package-id: basic_1.0:abc, endorsement plugin: escc, validation plugin: vscc\n',
    );
    const unavailable = new ChaincodeSource();
    unavailable.setUnavailable(new ChaincodeSource.Unavailable());
    result.setSource(unavailable);
    result.setInitRequired(true);
    assert.match(approvedDefinitionJson(result), /"init_required": true,\n\t"source": \{\n\t\t"Type": \{\n\t\t\t"Unavailable": \{\}\n/);
    assert.match(approvedDefinitionText('basic', 'mychannel', result), /init-required: true, package-id: , /);
  });

  test('checkcommitreadiness: orgs sorted, false kept inside the map', () => {
    const result = new CheckCommitReadinessResult();
    result.getApprovalsMap().set('Org2MSP', false);
    result.getApprovalsMap().set('Org1MSP', true);
    assert.equal(
      commitReadinessText({ name: 'basic', version: '1.0', sequence: 1, channelId: 'mychannel' }, result),
      "Chaincode definition for chaincode 'basic', version '1.0', sequence '1' on channel 'mychannel' approval status by org:\nOrg1MSP: true\nOrg2MSP: false\n",
    );
    assert.equal(commitReadinessJson(result), '{\n\t"approvals": {\n\t\t"Org1MSP": true,\n\t\t"Org2MSP": false\n\t}\n}\n');
  });

  test('querycommitted: one definition with its approvals, or every definition on the channel', () => {
    const one = new QueryChaincodeDefinitionResult();
    one.setSequence(1);
    one.setVersion('1.0');
    one.setEndorsementPlugin('escc');
    one.setValidationPlugin('vscc');
    one.getApprovalsMap().set('Org2MSP', true);
    one.getApprovalsMap().set('Org1MSP', true);
    assert.equal(
      committedDefinitionText('basic', 'mychannel', one),
      "Committed chaincode definition for chaincode 'basic' on channel 'mychannel':\n" +
        'Version: 1.0, Sequence: 1, Endorsement Plugin: escc, Validation Plugin: vscc, Approvals: [Org1MSP: true, Org2MSP: true]\n',
    );
    assert.match(committedDefinitionJson(one), /"validation_plugin": "vscc",\n\t"approvals": \{\n\t\t"Org1MSP": true,\n\t\t"Org2MSP": true\n\t\}\n\}\n$/);

    const all = new QueryChaincodeDefinitionsResult();
    const def = new QueryChaincodeDefinitionsResult.ChaincodeDefinition();
    def.setName('basic');
    def.setSequence(2);
    def.setVersion('2.0');
    def.setEndorsementPlugin('escc');
    def.setValidationPlugin('vscc');
    all.addChaincodeDefinitions(def);
    assert.equal(
      committedDefinitionsText('mychannel', all),
      "Committed chaincode definitions on channel 'mychannel':\nName: basic, Version: 2.0, Sequence: 2, Endorsement Plugin: escc, Validation Plugin: vscc\n",
    );
    assert.equal(
      committedDefinitionsJson(all),
      '{\n\t"chaincode_definitions": [\n\t\t{\n\t\t\t"name": "basic",\n\t\t\t"sequence": 2,\n\t\t\t"version": "2.0",\n' +
        '\t\t\t"endorsement_plugin": "escc",\n\t\t\t"validation_plugin": "vscc"\n\t\t}\n\t]\n}\n',
    );
  });

  test('collections and policies print as Go prints their oneofs', async () => {
    const dir = await tempDir('weft-lc-coll-json-');
    const file = join(dir, 'collections.json');
    await writeFile(file, JSON.stringify([{ name: 'private', policy: "OR('Org1MSP.member')", requiredPeerCount: 0, maxPeerCount: 1, blockToLive: 0 }]));
    const def = await definitionFromFlags(flags({ collectionsConfig: file, channelConfigPolicy: '/Channel/Application/Endorsement' }));
    const result = new QueryChaincodeDefinitionResult();
    result.setSequence(1);
    result.setValidationParameter(def.validationParameter);
    if (def.collections !== undefined) result.setCollections(def.collections);
    const parsed = JSON.parse(committedDefinitionJson(result)) as {
      collections: { config: Array<{ Payload: { StaticCollectionConfig: Record<string, unknown> } }> };
    };
    const collection = parsed.collections.config[0]?.Payload.StaticCollectionConfig;
    const principal = def.collections?.getConfigList()[0]?.getStaticCollectionConfig()?.getMemberOrgsPolicy()?.getSignaturePolicy()?.getIdentitiesList()[0]?.getPrincipal_asB64();
    assert.ok(principal !== undefined && principal !== '');
    assert.ok(collection !== undefined);
    assert.equal(collection['name'], 'private');
    assert.equal(collection['maximum_peer_count'], 1);
    assert.equal(collection['block_to_live'], undefined);
    assert.deepEqual(collection['member_orgs_policy'], {
      Payload: {
        SignaturePolicy: {
          rule: { Type: { NOutOf: { n: 1, rules: [{ Type: { SignedBy: 0 } }] } } },
          identities: [{ principal }],
        },
      },
    });
  });

  test('JSON escapes <, > and & as Go does; calculatepackageid prints package_id', () => {
    assert.equal(goJsonText({ a: '<b>&' }), '{\n\t"a": "\\u003cb\\u003e\\u0026"\n}\n');
    assert.equal(packageIdJson('x:1'), '{\n\t"package_id": "x:1"\n}\n');
  });
});
