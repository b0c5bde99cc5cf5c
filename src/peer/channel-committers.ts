import { readFile } from 'node:fs/promises';
import type { ChaincodeDefinitionSource } from '../chaincode/definitions.js';
import { ChannelBundle } from '../channel/channel-bundle.js';
import { Committer } from '../channel/committer.js';
import { OrdererBlockSource, type OrdererEndpoint } from '../channel/orderer-block-source.js';
import { TxValidator } from '../channel/tx-validator.js';
import type { ClientTls } from '../client/client-tls.js';
import type { DeliveryClientConfig } from '../common/config/core-config.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Logging } from '../common/logging/logging.js';
import type { Block } from '../common/protos/common.js';
import { LedgerChainReader } from '../deliver/ledger-chain-reader.js';
import type { PeerLedger } from '../ledger/index.js';
import type { MspManager } from '../msp/msp-manager.js';
import type { SigningIdentity } from '../msp/signing-identity.js';
import type { X509Identity } from '../msp/x509-identity.js';

/** The ordering service run in the peer's own process, when there is one. */
export interface EmbeddedOrderer {
  address: string;
  /** Serves the channel (joined to it)? */
  serves(channelId: string): boolean;
  /** Its TLS root (PEM) when it serves TLS. */
  tlsRootCertPem: Buffer | undefined;
}

export interface ChannelCommittersOptions {
  /** The peer's identity: it signs the seeks, which the orderer checks against /Channel/Readers. */
  signer: SigningIdentity;
  /** With peer.tls.enabled, the delivery client dials orderers over TLS, showing the peer's TLS certificate. */
  tls: { certPem: Buffer; keyPem: Buffer } | undefined;
  deliveryClient: DeliveryClientConfig;
  embeddedOrderer: () => EmbeddedOrderer | undefined;
  definitions: ChaincodeDefinitionSource;
  /** A config block was committed: the channel's bundle (for endorsement: expiry checked) is now this one. */
  onConfig: (channelId: string, block: Block) => void;
  /** A block was committed with these validation codes (the Gateway's commit status waits on it). */
  onCommitted?: (channelId: string, block: Block, codes: readonly number[]) => void;
  logging: Logging;
}

interface Running {
  committer: Committer;
  reader: LedgerChainReader;
  /** The peer's own identity in the channel's MSPs, found once per config: every endorsement names it. */
  own?: { msps: MspManager; endorser: Uint8Array; identity: X509Identity };
}

/**
 * The peer's side of the transaction flow for each of its channels: a committer pulling the
 * channel's blocks from its ordering service over Deliver, verifying, validating and committing
 * them, and the reader the peer's Deliver service streams them from as they are committed.
 */
export class ChannelCommitters {
  private readonly running = new Map<string, Running>();

  constructor(private readonly opts: ChannelCommittersOptions) {}

  /** Starts committing a channel's blocks from the ledger's height on; `configBlock` is its newest config. */
  async start(ledger: PeerLedger, configBlock: Block): Promise<void> {
    const channelId = ledger.channelId;
    const { logging } = this.opts;
    // Fabric's committer does not refuse a block's transactions for certificates expired since.
    const bundle = ChannelBundle.fromBlock(configBlock, { deferMsps: true, checkExpiry: false });
    const reader = await LedgerChainReader.open(ledger);
    const source = new OrdererBlockSource({
      channelId,
      endpoints: await this.ordererEndpoints(channelId, bundle),
      signer: this.opts.signer,
      reconnectBackoffThresholdMs: this.opts.deliveryClient.reconnectBackoffThresholdMs,
      logger: logging.logger('deliveryClient'),
    });
    const validator = new TxValidator({ channelId }, { definitions: this.opts.definitions, ledger, logger: logging.logger('committer.txvalidator') });
    const committer = new Committer(
      { channelId },
      {
        source,
        ledger,
        validator,
        bundle,
        logger: logging.logger('committer'),
        onConfigBlock: (block) => {
          this.opts.onConfig(channelId, block);
        },
        onCommitted: (block, codes) => {
          reader.notifyCommitted(block.getHeader()?.getNumber() ?? 0);
          this.opts.onCommitted?.(channelId, block, codes);
        },
      },
    );
    this.running.set(channelId, { committer, reader });
    committer.start();
  }

  /**
   * This peer signed `message` (an endorsement's response payload and endorser): noted on the
   * identity the channel's validator checks endorsements with, so that the check at commit costs a
   * comparison rather than a signature verification. Ignored for an identity the channel does not know.
   */
  noteOwnEndorsement(channelId: string, endorser: Uint8Array, message: Uint8Array, signature: Uint8Array): void {
    const running = this.running.get(channelId);
    if (running === undefined) return;
    const msps = running.committer.bundle.msps;
    let own = running.own;
    if (own?.msps !== msps || own.endorser !== endorser) {
      try {
        own = { msps, endorser, identity: msps.deserializeIdentity(endorser) };
      } catch {
        // not an identity of the channel: the validator will say so when it checks the endorsement
        return;
      }
      running.own = own;
    }
    own.identity.noteOwnSignature(message, signature);
  }

  /** What the Deliver service reads a channel from; undefined for a channel the peer is not on. */
  reader(channelId: string): LedgerChainReader | undefined {
    return this.running.get(channelId)?.reader;
  }

  async stopAll(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map(({ committer }) => committer.stop()));
  }

  /**
   * Where the channel's blocks come from: the embedded orderer when it serves the channel;
   * otherwise the orderer endpoints of the channel config (each orderer organisation's, or the
   * channel-level addresses), with peer.deliveryclient.addressOverrides applied.
   */
  async ordererEndpoints(channelId: string, bundle: ChannelBundle): Promise<OrdererEndpoint[]> {
    const embedded = this.opts.embeddedOrderer();
    if (embedded?.serves(channelId) === true) {
      return [{ address: embedded.address, tls: this.clientTls(embedded.tlsRootCertPem) }];
    }
    const orderer = bundle.config;
    const orgEndpoints = orderer.ordererOrgs.flatMap((org) => org.endpoints.map((address) => ({ address, mspId: org.mspId })));
    const listed = orgEndpoints.length > 0 ? orgEndpoints : (orderer.orderer?.addresses ?? []).map((address) => ({ address, mspId: undefined }));
    const roots = Buffer.concat(bundle.tlsCaCerts.flatMap((pem) => [Buffer.from(pem), Buffer.from('\n')]));
    return Promise.all(
      listed.map(async ({ address, mspId }) => {
        const override = this.opts.deliveryClient.addressOverrides.find((o) => o.from === address);
        if (override === undefined) return { address, mspId, tls: this.clientTls(roots) };
        let overrideRoots = roots;
        if (override.caCertsFile !== undefined) {
          try {
            overrideRoots = await readFile(override.caCertsFile);
          } catch (err) {
            this.opts.logging.logger('deliveryClient').error('endpoints', `cannot read caCertsFile ${override.caCertsFile} of the override of ${address}: ${errorMessage(err)}`);
          }
        }
        return { address: override.to, mspId, tls: this.clientTls(overrideRoots) };
      }),
    );
  }

  private clientTls(rootCertPem: Buffer | undefined): ClientTls | undefined {
    const tls = this.opts.tls;
    if (tls === undefined || rootCertPem === undefined) return undefined;
    return { rootCertPem, clientCertPem: tls.certPem, clientKeyPem: tls.keyPem };
  }
}
