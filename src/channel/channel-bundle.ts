import { ChannelConfig } from '../channelconfig/channel-config.js';
import type { Block } from '../common/protos/common.js';
import type { Config } from '../common/protos/configtx.js';
import { FabricMSPConfig, type MSPConfig } from '../common/protos/msp.js';
import { FabricMsp } from '../msp/fabric-msp.js';
import { MspManager } from '../msp/msp-manager.js';
import type { Policy } from '../policies/policy.js';
import { PolicyManager } from '../policies/policy-manager.js';
import { SignaturePolicy } from '../policies/signature-policy.js';
import { parseSignaturePolicy } from '../policies/signature-policy-dsl.js';

/**
 * What a channel's config block says, made ready to use (Fabric's channelconfig.Bundle): the
 * config itself, the channel's MSPs, and its policy tree. A new config block makes a new bundle.
 */
interface BundleOptions {
  deferMsps?: boolean;
  checkExpiry?: boolean;
}

export class ChannelBundle {
  private instantiation: Policy | undefined;
  private tlsCas: Uint8Array[] | undefined;

  private constructor(
    readonly config: ChannelConfig,
    readonly msps: MspManager,
    readonly policies: PolicyManager,
  ) {}

  /**
   * Throws, naming the part of the block that is wrong, when it is not a usable config block.
   * `deferMsps`: the MSPs are set up when first used, for a channel whose config was checked when
   * it was joined (a peer loading its channels at start does not pay for certificates it may not see).
   * `checkExpiry: false`: identities are not refused for their validity dates, as Fabric's
   * committer validates the transactions of past blocks (default true, as the endorser checks).
   */
  static fromBlock(block: Block, opts: BundleOptions = {}): ChannelBundle {
    return ChannelBundle.fromChannelConfig(ChannelConfig.fromBlock(block), opts);
  }

  /** The bundle of a config tree (a ConfigEnvelope's, as a config update makes one) of channel `channelId`. */
  static fromConfig(config: Config, channelId: string, opts: BundleOptions = {}): ChannelBundle {
    return ChannelBundle.fromChannelConfig(ChannelConfig.fromConfig(config, channelId), opts);
  }

  private static fromChannelConfig(config: ChannelConfig, opts: BundleOptions): ChannelBundle {
    // Ed25519 identities count on a channel with the V3_0 capability only, as in Fabric 3.
    const mspOptions = { allowEd25519: config.capabilities.channel.includes('V3_0'), checkExpiry: opts.checkExpiry ?? true };
    const msps = new MspManager(
      config.msps.map((mspConfig) =>
        opts.deferMsps === true
          ? { id: mspIdOf(mspConfig), setUp: () => FabricMsp.fromConfig(mspConfig, mspOptions) }
          : FabricMsp.fromConfig(mspConfig, mspOptions),
      ),
    );
    return new ChannelBundle(config, msps, PolicyManager.fromChannelGroup(config.channelGroup, msps));
  }

  get channelId(): string {
    return this.config.channelId;
  }

  /**
   * Who may instantiate or upgrade a chaincode with the legacy lifecycle (lscc): an admin of any of
   * the channel's organisations, the instantiation policy Fabric gives a package without its own.
   */
  get instantiationPolicy(): Policy {
    this.instantiation ??= SignaturePolicy.fromEnvelope(
      parseSignaturePolicy(`OutOf(1, ${this.msps.mspIds.map((id) => `'${id}.admin'`).join(', ')})`),
      this.msps,
    );
    return this.instantiation;
  }

  /**
   * The TLS root and intermediate CA certificates (PEM) of every organisation of the channel. Read
   * once per bundle: the Gateway asks for the orderers' TLS roots at every Submit.
   */
  get tlsCaCerts(): readonly Uint8Array[] {
    this.tlsCas ??= this.config.msps.flatMap((mspConfig) => {
      const fabric = FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
      return [...fabric.getTlsRootCertsList_asU8(), ...fabric.getTlsIntermediateCertsList_asU8()];
    });
    return this.tlsCas;
  }

  /** The channel config's ACL overrides: resource -> policy reference. */
  get acls(): ReadonlyMap<string, string> {
    return this.config.acls;
  }
}

/** The MSP ID a config names, without setting the MSP up. */
function mspIdOf(config: MSPConfig): string {
  return FabricMSPConfig.deserializeBinary(config.getConfig_asU8()).getName();
}
