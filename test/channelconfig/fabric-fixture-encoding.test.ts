import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Block, Envelope, Payload } from '../../src/common/protos/common.js';
import { ConfigEnvelope, type ConfigGroup } from '../../src/common/protos/configtx.js';
import { ChannelHeader, SignatureHeader } from '../../src/common/protos/proposal.js';
import { genesisBlock, genesisBlockOfProfile } from '../../src/channelconfig/config-block.js';
import { groupJson } from '../../src/channelconfig/config-json.js';
import { encodeChannelGroup } from '../../src/channelconfig/channel-group-encoder.js';
import { loadProfile } from '../../src/channelconfig/configtx.js';
import { FABRIC_FIXTURE } from '../helpers/fabric-fixture.js';

async function fixtureBlock(): Promise<Block> {
  return Block.deserializeBinary(await readFile(join(FABRIC_FIXTURE, 'mychannel.block')));
}

function unpack(block: Block): { channelHeader: ChannelHeader; signatureHeader: InstanceType<typeof SignatureHeader>; config: ConfigEnvelope; envelope: Envelope } {
  const envelope = Envelope.deserializeBinary(block.getData()?.getDataList_asU8()[0] ?? new Uint8Array(0));
  const payload = Payload.deserializeBinary(envelope.getPayload_asU8());
  return {
    envelope,
    channelHeader: ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0)),
    signatureHeader: SignatureHeader.deserializeBinary(payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array(0)),
    config: ConfigEnvelope.deserializeBinary(payload.getData_asU8()),
  };
}

/** Every difference between two config trees: key sets, versions, mod_policy, value bytes, policy type and bytes. */
function treeDiff(ours: ConfigGroup, theirs: ConfigGroup, path: string): string[] {
  const diffs: string[] = [];
  if (ours.getVersion() !== theirs.getVersion()) diffs.push(`${path}: version ${String(ours.getVersion())} != ${String(theirs.getVersion())}`);
  if (ours.getModPolicy() !== theirs.getModPolicy()) diffs.push(`${path}: mod_policy ${ours.getModPolicy()} != ${theirs.getModPolicy()}`);
  const keys = (m: { keys(): Iterable<string> }): string[] => [...m.keys()].sort();
  for (const kind of ['groups', 'values', 'policies'] as const) {
    const a = kind === 'groups' ? ours.getGroupsMap() : kind === 'values' ? ours.getValuesMap() : ours.getPoliciesMap();
    const b = kind === 'groups' ? theirs.getGroupsMap() : kind === 'values' ? theirs.getValuesMap() : theirs.getPoliciesMap();
    if (keys(a).join() !== keys(b).join()) diffs.push(`${path}: ${kind} [${keys(a).join()}] != [${keys(b).join()}]`);
  }
  for (const [name, value] of ours.getValuesMap().entries()) {
    const other = theirs.getValuesMap().get(name);
    if (other === undefined) continue;
    if (value.getVersion() !== other.getVersion() || value.getModPolicy() !== other.getModPolicy()) diffs.push(`${path}/[${name}]: version or mod_policy`);
    if (!Buffer.from(value.getValue_asU8()).equals(Buffer.from(other.getValue_asU8()))) diffs.push(`${path}/[${name}]: value bytes`);
  }
  for (const [name, policy] of ours.getPoliciesMap().entries()) {
    const other = theirs.getPoliciesMap().get(name);
    if (other === undefined) continue;
    if (policy.getVersion() !== other.getVersion() || policy.getModPolicy() !== other.getModPolicy()) diffs.push(`${path}/{${name}}: version or mod_policy`);
    if (policy.getPolicy()?.getType() !== other.getPolicy()?.getType()) diffs.push(`${path}/{${name}}: policy type`);
    const bytes = (p: typeof policy): Buffer => Buffer.from(p.getPolicy()?.getValue_asU8() ?? new Uint8Array(0));
    if (!bytes(policy).equals(bytes(other))) diffs.push(`${path}/{${name}}: policy bytes`);
  }
  for (const [name, group] of ours.getGroupsMap().entries()) {
    const other = theirs.getGroupsMap().get(name);
    if (other !== undefined) diffs.push(...treeDiff(group, other, `${path}/${name}`));
  }
  return diffs;
}

describe('configtx.yaml of the Fabric 2.4.9 fixture, profile OneOrgApp', () => {
  test('encodes to the config tree configtxgen wrote into mychannel.block: every group, value, policy, mod_policy and version', async () => {
    const profile = await loadProfile('OneOrgApp', FABRIC_FIXTURE);
    const ours = await encodeChannelGroup(profile);
    const theirs = unpack(await fixtureBlock()).config.getConfig()?.getChannelGroup();
    assert.ok(theirs !== undefined);
    // Decoded, value by value and policy by policy (map order inside values does not matter here)...
    assert.deepEqual(groupJson(ours), groupJson(theirs));
    // ...and byte for byte: every value and policy serializes exactly as Fabric's.
    assert.deepEqual(treeDiff(ours, theirs, '/Channel'), []);
  });

  test("the genesis block is configtxgen's given the same nonce and time: headers, envelope, metadata slots, size", async () => {
    const fabric = await fixtureBlock();
    const theirs = unpack(fabric);
    const profile = await loadProfile('OneOrgApp', join(FABRIC_FIXTURE, 'configtx.yaml'));
    const block = await genesisBlockOfProfile(profile, 'mychannel', {
      nonce: theirs.signatureHeader.getNonce_asU8(),
      now: new Date((theirs.channelHeader.getTimestamp()?.getSeconds() ?? 0) * 1000 + 999),
    });
    const ours = unpack(block);
    assert.deepEqual(ours.channelHeader.toObject(), theirs.channelHeader.toObject());
    assert.deepEqual(ours.signatureHeader.toObject(), theirs.signatureHeader.toObject());
    assert.equal(ours.envelope.getSignature_asU8().length, 0);
    assert.equal(ours.config.getConfig()?.getSequence(), 0);
    assert.equal(ours.config.hasLastUpdate(), false);
    assert.equal(block.getHeader()?.getNumber(), 0);
    assert.equal(block.getHeader()?.getPreviousHash_asU8().length, 0);
    assert.deepEqual(
      block.getMetadata()?.getMetadataList_asU8().map((m) => Buffer.from(m).toString('hex')),
      fabric.getMetadata()?.getMetadataList_asU8().map((m) => Buffer.from(m).toString('hex')),
    );
    // Go writes map entries in random order, so the bytes differ only in order: the size is the same.
    assert.equal(block.serializeBinary().length, fabric.serializeBinary().length);
    // The data hash is SHA-256 of the one envelope: Fabric's own envelope bytes give Fabric's hash.
    const envelopeBytes = fabric.getData()?.getDataList_asU8()[0] ?? new Uint8Array(0);
    assert.deepEqual(Buffer.from(createHash('sha256').update(envelopeBytes).digest()), Buffer.from(fabric.getHeader()?.getDataHash_asU8() ?? []));
    const rewrapped = genesisBlock(theirs.config.getConfig()?.getChannelGroup() as ConfigGroup, 'mychannel');
    assert.equal(unpack(rewrapped).channelHeader.getTimestamp()?.getNanos(), 0);
  });
});
