import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { createSignedProposal } from '../../src/client/signed-proposal.js';
import { ChaincodeProposalPayload, Header, HeaderType, Proposal } from '../../src/common/protos/proposal.js';
import { unpackProposal } from '../../src/endorser/unpacked-proposal.js';

/** The proposal hash as the committer recomputes it: header parts, then the payload with its input only, as a message. */
function expectedHash(proposalBytes: Uint8Array): Buffer {
  const proposal = Proposal.deserializeBinary(proposalBytes);
  const header = Header.deserializeBinary(proposal.getHeader_asU8());
  const visible = new ChaincodeProposalPayload();
  visible.setInput(ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8()).getInput_asU8());
  return createHash('sha256').update(header.getChannelHeader_asU8()).update(header.getSignatureHeader_asU8()).update(visible.serializeBinary()).digest();
}

describe('unpackProposal', () => {
  for (const [what, args, transient] of [
    ['a short input', ['get', 'k'], undefined],
    ['an input longer than one varint byte can say, with transient data left out', ['put', 'k', 'v'.repeat(20_000)], new Map([['secret', Buffer.from('x')]])],
  ] as const) {
    test(`the proposal hash covers the header and the input alone: ${what}`, () => {
      const { signed } = createSignedProposal({
        channelId: 'ch',
        chaincodeName: 'cc',
        args: args.map((a) => Buffer.from(a)),
        headerType: HeaderType.ENDORSER_TRANSACTION,
        transient,
      });
      assert.deepEqual(Buffer.from(unpackProposal(signed).proposalHash), expectedHash(signed.getProposalBytes_asU8()));
    });
  }
});
