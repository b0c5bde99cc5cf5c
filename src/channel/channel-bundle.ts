import { ChannelConfig } from '../channelconfig/channel-config.js';
import type { Block } from '../common/protos/common.js';
import { FabricMSPConfig, type MSPConfig } from '../common/protos/msp.js';
import { FabricMsp } from '../msp/fabric-msp.js';
import { MspManager } from '../msp/msp-manager.js';
import { PolicyManager } from '../policies/policy-manager.js';

/**
 * What a channel's config block says, made ready to use (Fabric's channelconfig.Bundle): the
 * config itself, the channel's MSPs, and its policy tree. A new config block makes a new bundle.
 */
export class ChannelBundle {
  private constructor(
    readonly config: ChannelConfig,
    readonly msps: MspManager,
    readonly policies: PolicyManager,
  ) {}

  /**
   * Throws, naming the part of the block that is wrong, when it is not a usable config block.
   * `deferMsps`: the MSPs are set up when first used, for a channel whose config was checked when
   * it was joined (a peer loading its channels at start does not pay for certificates it may not see).
   */
  static fromBlock(block: Block, opts: { deferMsps?: boolean } = {}): ChannelBundle {
    const config = ChannelConfig.fromBlock(block);
    const msps = new MspManager(
      config.msps.map((mspConfig) =>
        opts.deferMsps === true ? { id: mspIdOf(mspConfig), setUp: () => FabricMsp.fromConfig(mspConfig) } : FabricMsp.fromConfig(mspConfig),
      ),
    );
    return new ChannelBundle(config, msps, PolicyManager.fromChannelGroup(config.channelGroup, msps));
  }

  get channelId(): string {
    return this.config.channelId;
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
