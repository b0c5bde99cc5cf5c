import { LedgerError } from './ledger-error.js';

// Fabric's rule for channel names: lower case letters, digits, dots and dashes, starting with a letter.
const CHANNEL_ID = /^[a-z][a-z0-9.-]*$/;
const MAX_LENGTH = 249;

export function validateChannelId(channelId: string): void {
  if (channelId.length > MAX_LENGTH) {
    throw new LedgerError('INVALID_CHANNEL_ID', `channel ID '${channelId}' illegal, cannot be longer than ${MAX_LENGTH}`);
  }
  if (!CHANNEL_ID.test(channelId)) {
    throw new LedgerError(
      'INVALID_CHANNEL_ID',
      `channel ID '${channelId}' contains illegal characters; allowed characters are [a-z0-9.-], starting with a letter`,
    );
  }
}
