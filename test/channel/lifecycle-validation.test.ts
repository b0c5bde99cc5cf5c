import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { ChannelBundle } from '../../src/channel/channel-bundle.js';
import { TxValidator } from '../../src/channel/tx-validator.js';
import { createSignedProposal } from '../../src/client/signed-proposal.js';
import { createTransactionEnvelope } from '../../src/client/transaction-envelope.js';
import { HeaderType } from '../../src/common/protos/proposal.js';
import { validationCodeName } from '../../src/common/protos/orderer.js';
import type { LsccDefinitionSource } from '../../src/chaincode/lscc-definition-source.js';
import type { NamespaceRwSet, PeerLedger } from '../../src/ledger/index.js';
import { toTxRwSetBytes } from '../../src/ledger/rwset-codec.js';
import type { SigningIdentity } from '../../src/msp/signing-identity.js';
import { captureLogging } from '../helpers/capture-logging.js';
import { endorse, nextBlock, twoOrgChannel, type TwoOrgIdentities } from '../helpers/two-org-channel.js';

/** A `_lifecycle` transaction writing `publicKeys` to its namespace and `privateKeys` to collections, endorsed by `endorsers`. */
function lifecycleTx(
  ledger: PeerLedger,
  ids: TwoOrgIdentities,
  writes: { publicKeys?: string[]; collections?: Record<string, string[]> },
  endorsers: readonly SigningIdentity[],
  namespace = '_lifecycle',
) {
  const { signed } = createSignedProposal({
    channelId: ledger.channelId,
    chaincodeName: '_lifecycle',
    args: [Buffer.from('ApproveChaincodeDefinitionForMyOrg'), new Uint8Array()],
    headerType: HeaderType.ENDORSER_TRANSACTION,
    signer: ids.org1Admin,
  });
  const write = (key: string) => ({ key, value: Buffer.from('v'), isDelete: false });
  const ns: NamespaceRwSet = {
    namespace,
    reads: [],
    rangeQueries: [],
    writes: (writes.publicKeys ?? []).map(write),
    metadataWrites: [],
    collections: Object.entries(writes.collections ?? {}).map(([collection, keys]) => ({ collection, reads: [], writes: keys.map((k) => ({ ...write(k), isPurge: false })), metadataWrites: [] })),
  };
  const results = toTxRwSetBytes([ns]).pub;
  return createTransactionEnvelope(signed, endorse(signed, { chaincode: '_lifecycle', version: '0.1.0', results, endorsers }), ids.org1Admin);
}

describe("validation of _lifecycle's transactions: whose endorsement each write needs", () => {
  let ids: TwoOrgIdentities;
  let ledger: PeerLedger;
  let bundle: ChannelBundle;
  let definitions: LsccDefinitionSource;
  const { logging, lines } = captureLogging();

  before(async () => {
    ({ ids, ledger, bundle, definitions } = await twoOrgChannel());
  });

  const codesOf = async (...envelopes: ReturnType<typeof lifecycleTx>[]): Promise<string[]> => {
    const validator = new TxValidator({ channelId: ledger.channelId }, { definitions, ledger, logger: logging.logger('committer.txvalidator') });
    const { codes } = await validator.validate(await nextBlock(ledger, envelopes, ids.orderer), bundle);
    return codes.map(validationCodeName);
  };

  test("an org's approval (its implicit collection) needs that org's Endorsement policy, not the channel's majority", async () => {
    const approval = { collections: { _implicit_org_Org1MSP: ['namespaces/metadata/cc#1'] } };
    assert.deepEqual(await codesOf(lifecycleTx(ledger, ids, approval, [ids.org1Peer])), ['VALID']);
  });

  test("the attack: Org2's peer writes an approval into Org1's implicit collection", async () => {
    const forged = { collections: { _implicit_org_Org1MSP: ['namespaces/metadata/cc#1'] } };
    assert.deepEqual(await codesOf(lifecycleTx(ledger, ids, forged, [ids.org2Peer])), ['ENDORSEMENT_POLICY_FAILURE']);
    // An org that is not on the channel has no implicit collection to write.
    assert.deepEqual(await codesOf(lifecycleTx(ledger, ids, { collections: { _implicit_org_Org3MSP: ['k'] } }, [ids.org1Peer, ids.org2Peer])), ['ENDORSEMENT_POLICY_FAILURE']);
  });

  test('a definition (public writes) needs the LifecycleEndorsement policy: a majority of the two orgs is both', async () => {
    const commit = { publicKeys: ['namespaces/fields/cc/Sequence', 'namespaces/metadata/cc'] };
    assert.deepEqual(await codesOf(lifecycleTx(ledger, ids, commit, [ids.org1Peer])), ['ENDORSEMENT_POLICY_FAILURE']);
    assert.deepEqual(await codesOf(lifecycleTx(ledger, ids, commit, [ids.org1Peer, ids.org2Peer])), ['VALID']);
    assert.ok(lines.some((l) => l.includes('VSCC error: endorsement policy failure')));
  });

  test('_lifecycle writes no other namespace', async () => {
    assert.deepEqual(await codesOf(lifecycleTx(ledger, ids, { publicKeys: ['k'] }, [ids.org1Peer, ids.org2Peer], 'mycc')), ['ILLEGAL_WRITESET']);
  });
});
