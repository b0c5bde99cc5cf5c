import { createHash } from 'node:crypto';
import { containerName, type CCID } from '../ccintf.js';
import { ContainerError } from '../container-error.js';

/** Who a peer is on a Docker engine: its network and peer IDs, as Fabric prefixes its names. */
export interface PeerIdentity {
  networkId: string;
  peerId: string;
}

/** Characters Docker accepts in container names; anything else becomes '-'. */
const NOT_ALLOWED = /[^a-zA-Z0-9-_.]/g;
/** Docker's rule for a repository name (one path component). */
const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** `dev-jdoe-mycc-1.0`: network ID, peer ID, then the chaincode's container name. */
function preFormatName(peer: PeerIdentity, ccid: CCID): string {
  return [peer.networkId, peer.peerId, containerName(ccid)].filter((part) => part !== '').join('-');
}

/** The container a chaincode runs in: `<networkId>-<peerId>-<name>-<version>`, with characters Docker refuses turned into '-'. */
export function dockerContainerName(peer: PeerIdentity, ccid: CCID): string {
  return preFormatName(peer, ccid).replace(NOT_ALLOWED, '-');
}

/**
 * The image a chaincode is built into: the container name, lowercased. When that changed the name
 * (upper case, or characters Docker refuses), two chaincodes could end up with one image name, so
 * the hash of the original name is appended to keep them apart.
 */
export function dockerImageName(peer: PeerIdentity, ccid: CCID): string {
  const name = preFormatName(peer, ccid);
  let image = name.replace(NOT_ALLOWED, '-').toLowerCase();
  if (image !== name) image = `${image}-${createHash('sha256').update(name).digest('hex')}`;
  if (!REPOSITORY.test(image)) {
    throw new ContainerError('START_FAILED', `Error constructing Docker VM Name. '${image}' breaks Docker's repository naming rules`);
  }
  return image;
}
