import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { collectionConfigFromJson, readCollectionConfigFile } from '../../src/client/collection-config-file.js';
import { decodeCollections } from '../../src/scc/lscc/collection-config.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('collections configuration file', () => {
  test("Fabric's JSON becomes a CollectionConfigPackage", async () => {
    const file = join(await tempDir('weft-coll-'), 'collections.json');
    await writeFile(
      file,
      JSON.stringify([
        { name: 'collectionMarbles', policy: "OR('Org1MSP.member','Org2MSP.member')", requiredPeerCount: 0, maxPeerCount: 3, blockToLive: 1000000, memberOnlyRead: true, memberOnlyWrite: true },
        { name: 'collectionMarblePrivateDetails', policy: "OR('Org1MSP.member')", requiredPeerCount: 0, maxPeerCount: 3, blockToLive: 3 },
      ]),
    );
    assert.deepEqual(decodeCollections(await readCollectionConfigFile(file)), [
      { name: 'collectionMarbles', memberOrgs: ['Org1MSP', 'Org2MSP'], requiredPeerCount: 0, maximumPeerCount: 3, blockToLive: 1000000, memberOnlyRead: true, memberOnlyWrite: true },
      { name: 'collectionMarblePrivateDetails', memberOrgs: ['Org1MSP'], requiredPeerCount: 0, maximumPeerCount: 3, blockToLive: 3, memberOnlyRead: false, memberOnlyWrite: false },
    ]);
  });

  test('what cannot be used is named', async () => {
    const refused = (json: string, message: RegExp) => assert.throws(() => collectionConfigFromJson(json, 'c.json'), (err: Error & { code?: string }) => err.code === 'BAD_COLLECTION_CONFIG' && message.test(err.message));
    refused('{', /^could not parse c\.json as JSON/);
    refused('{}', /^c\.json must be a JSON array of collections$/);
    refused('[{"policy":"OR(\'A.member\')"}]', /^collection 1 of c\.json has no "name"$/);
    refused('[{"name":"x"}]', /^collection x has no "policy"$/);
    refused('[{"name":"x","policy":"A.member"}]', /^collection x: invalid policy A\.member: /);
    refused('[{"name":"x","policy":"OR(\'A.member\')","blockToLive":-1}]', /^collection x: "blockToLive" must be a whole number, not -1$/);
    await assert.rejects(readCollectionConfigFile('/nonexistent/collections.json'), { code: 'BAD_COLLECTION_CONFIG', message: /^cannot read the collection configuration file \/nonexistent\/collections\.json: / });
  });
});
