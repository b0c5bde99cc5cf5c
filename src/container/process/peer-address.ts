import { ContainerError } from '../container-error.js';

// The flag every shim reads the peer's address from: `--peer.address X` (node), `-peer.address=X`
// (go), `--peerAddress X` (java). The launch config may carry it inside a `sh -c` command line.
const PEER_ADDRESS = /(?:^|\s)--?peer(?:\.address|Address)(?:=|\s+)(\S+)/;

/** The address the chaincode must dial, read from its launch arguments. */
export function peerAddressFromArgs(args: readonly string[]): string {
  const match = PEER_ADDRESS.exec(args.join(' '));
  const address = match?.[1];
  if (address === undefined) {
    throw new ContainerError('START_FAILED', `no peer address in the chaincode's launch arguments [${args.join(' ')}]`);
  }
  return address;
}
