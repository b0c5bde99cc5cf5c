import { ChannelConfig } from '../../../src/channelconfig/channel-config.js';
import type { Block } from '../../../src/common/protos/common.js';
import {
  ChannelParticipationError,
  type ChannelInfo,
  type ChannelParticipationRegistrar,
} from '../../../src/orderer/participation/channel-participation-handler.js';

/** An in-memory registrar: joining a channel records its block and makes it an active consenter at height 1. */
export class FakeRegistrar implements ChannelParticipationRegistrar {
  readonly channels = new Map<string, ChannelInfo>();
  readonly joined: Block[] = [];
  /** When set, the next remove() fails with it. */
  removeFailure: ChannelParticipationError | undefined;

  joinChannel(configBlock: Block): Promise<ChannelInfo> {
    const name = ChannelConfig.fromBlock(configBlock).channelId;
    const info: ChannelInfo = { name, consensusRelation: 'consenter', status: 'active', height: 1 };
    this.channels.set(name, info);
    this.joined.push(configBlock);
    return Promise.resolve(info);
  }

  list(): ChannelInfo[] {
    return [...this.channels.values()];
  }

  info(channelId: string): ChannelInfo | undefined {
    return this.channels.get(channelId);
  }

  remove(channelId: string): Promise<void> {
    const failure = this.removeFailure;
    this.removeFailure = undefined;
    if (failure !== undefined) return Promise.reject(failure);
    if (!this.channels.delete(channelId)) return Promise.reject(new ChannelParticipationError('CHANNEL_NOT_FOUND', 'channel does not exist'));
    return Promise.resolve();
  }
}

export { ChannelParticipationError };
