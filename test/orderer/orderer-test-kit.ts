import { createVerify, randomBytes, X509Certificate } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { builtInProfile } from '../../src/channelconfig/built-in-profile.js';
import { genesisBlockOfProfile } from '../../src/channelconfig/config-block.js';
import type { ConfigtxOrderer } from '../../src/channelconfig/configtx.js';
import { SerializedIdentity } from '../../src/common/protos/msp.js';
import { createEndorserTxEnvelope } from '../../src/ledger/tx-envelope.js';
import { common, type Block, type Envelope } from '../../src/ledger/protos.js';
import { defaultUserIdentity } from '../../src/msp/default-identities.js';
import { loadSigningIdentity, type SigningIdentity } from '../../src/msp/signing-identity.js';
import { blockSignatureMessage, signaturesMetadataOf } from '../../src/orderer/block-signature.js';
import { OpensslCa, writeMspFolder } from '../helpers/openssl-ca.js';
import { testCrypto } from '../helpers/channel-block.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The orderer node of the default crypto: orderer.example.com of OrdererMSP. */
export async function ordererSigner(): Promise<SigningIdentity> {
  return loadSigningIdentity(join(await testCrypto(), 'ordererOrganizations/example.com/orderers/orderer.example.com/msp'), 'OrdererMSP');
}

/** Org1's users and nodes of the default crypto, and an expired client certificate of Org1's CA. */
export async function org1Identities(): Promise<Record<'user1' | 'admin' | 'peer' | 'expired', SigningIdentity>> {
  const cryptoDir = await testCrypto();
  const org1 = join(cryptoDir, 'peerOrganizations/org1.example.com');
  const caDir = join(org1, 'ca');
  const caCert = (await readdir(caDir)).find((f) => f.endsWith('-cert.pem')) ?? '';
  const root = await tempDir('weft-orderer-ca-');
  const ca = await OpensslCa.open(join(root, 'ca'), join(caDir, caCert), join(caDir, 'priv_sk'));
  const expired = await ca.issue('expired', '/C=US/ST=North Carolina/L=Durham/O=org1.example.com/OU=client/CN=expired@org1.example.com', {
    start: '20200101000000Z',
    end: '20210101000000Z',
  });
  return {
    user1: await loadSigningIdentity(defaultUserIdentity(cryptoDir, 'User1').mspDir, 'Org1MSP'),
    admin: await loadSigningIdentity(defaultUserIdentity(cryptoDir, 'Admin').mspDir, 'Org1MSP'),
    peer: await loadSigningIdentity(join(org1, 'peers/peer0.org1.example.com/msp'), 'Org1MSP'),
    expired: await loadSigningIdentity(await writeMspFolder(join(root, 'msp-expired'), expired), 'Org1MSP'),
  };
}

/** A genesis block of the built-in profile (Org1, OrdererOrg, etcdraft) with the given batch parameters. */
export async function channelBlock(
  channelId: string,
  batch: { batchTimeout?: string; maxMessageCount?: number; absoluteMaxBytes?: number; preferredMaxBytes?: number },
): Promise<Block> {
  const profile = builtInProfile(await testCrypto());
  const orderer = profile.orderer as ConfigtxOrderer;
  profile.orderer = {
    ...orderer,
    batchTimeout: batch.batchTimeout ?? '1h',
    batchSize: {
      maxMessageCount: batch.maxMessageCount ?? orderer.batchSize.maxMessageCount,
      absoluteMaxBytes: batch.absoluteMaxBytes ?? orderer.batchSize.absoluteMaxBytes,
      preferredMaxBytes: batch.preferredMaxBytes ?? orderer.batchSize.preferredMaxBytes,
    },
  };
  return genesisBlockOfProfile(profile, channelId);
}

/** An endorser transaction signed by `signer` (its payload signature), with `size` bytes of results. */
export function signedTx(channelId: string, signer: SigningIdentity, size = 100): Envelope {
  const envelope = createEndorserTxEnvelope({
    channelId,
    txId: randomBytes(32).toString('hex'),
    results: new Uint8Array(size).fill(7),
    chaincodeName: 'cc',
    creator: signer.serialize(),
  });
  envelope.setSignature(signer.sign(envelope.getPayload_asU8()));
  return envelope;
}

/** An envelope of any header type, signed by `signer`. */
export function signedEnvelope(channelId: string, type: number, signer: SigningIdentity, data: Uint8Array = new Uint8Array(0)): Envelope {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(type);
  channelHeader.setChannelId(channelId);
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(signer.serialize());
  signatureHeader.setNonce(randomBytes(24));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(data);
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  envelope.setSignature(signer.sign(envelope.getPayload_asU8()));
  return envelope;
}

/** Verifies a block's orderer signature with node:crypto; returns the signer's certificate (PEM). */
export function verifiedSigner(block: Block): string {
  const signature = signaturesMetadataOf(block).getSignaturesList()[0];
  if (signature === undefined) throw new Error(`block ${String(block.getHeader()?.getNumber())} is not signed`);
  const creator = SerializedIdentity.deserializeBinary(common.SignatureHeader.deserializeBinary(signature.getSignatureHeader_asU8()).getCreator_asU8());
  const pem = Buffer.from(creator.getIdBytes_asU8()).toString('utf8');
  const verifier = createVerify('sha256');
  verifier.update(blockSignatureMessage(block, signature));
  if (!verifier.verify(new X509Certificate(pem).publicKey, signature.getSignature_asU8())) {
    throw new Error(`the signature of block ${String(block.getHeader()?.getNumber())} does not verify`);
  }
  return pem;
}

/** The transaction ids of a block's envelopes. */
export function txIdsOf(block: Block): string[] {
  return (block.getData()?.getDataList_asU8() ?? []).map((bytes) => {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
    return common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0)).getTxId();
  });
}

/** The tx id of an envelope. */
export function txIdOf(envelope: Envelope): string {
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  return common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0)).getTxId();
}
