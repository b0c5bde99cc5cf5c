import { EndorserClient } from '../client/endorser-client.js';
import { createSignedProposal } from '../client/signed-proposal.js';
import { InstallChaincodeArgs, InstallChaincodeResult } from '../common/protos/lifecycle.js';
import { HeaderType, type HeaderTypeValue } from '../common/protos/proposal.js';
import type { Block } from '../common/protos/common.js';
import type { SigningIdentity } from '../msp/signing-identity.js';
import { TestNetworkError } from './test-network-error.js';

// common.Status.SUCCESS: the only status a system chaincode answers success with.
const SUCCESS = 200;
const text = (s: string): Uint8Array => Buffer.from(s);

/**
 * The peer admin's requests that are not channel transactions (the Gateway handles those): joining
 * a channel through cscc and installing a package through `_lifecycle`, each a proposal signed by
 * the organisation's Admin and sent to the peer's Endorser service, as `peer channel join` and
 * `peer lifecycle chaincode install` send them.
 */
export class PeerAdmin {
  private constructor(
    private readonly client: EndorserClient,
    private readonly signer: SigningIdentity,
  ) {}

  static async connect(address: string, signer: SigningIdentity): Promise<PeerAdmin> {
    return new PeerAdmin(await EndorserClient.connect(address), signer);
  }

  /** cscc JoinChain: the peer creates the channel's ledger from its genesis block and starts committing. */
  async joinChannel(genesis: Block): Promise<void> {
    await this.call('cscc', [text('JoinChain'), genesis.serializeBinary()], HeaderType.CONFIG, `joining channel with its genesis block`);
  }

  /** `_lifecycle` InstallChaincode; resolves the package ID. */
  async install(installPackage: Uint8Array): Promise<string> {
    const args = new InstallChaincodeArgs();
    args.setChaincodeInstallPackage(installPackage);
    const payload = await this.call('_lifecycle', [text('InstallChaincode'), args.serializeBinary()], HeaderType.ENDORSER_TRANSACTION, 'chaincode install');
    return InstallChaincodeResult.deserializeBinary(payload).getPackageId();
  }

  close(): void {
    this.client.close();
  }

  private async call(chaincodeName: string, args: Uint8Array[], headerType: HeaderTypeValue, what: string): Promise<Uint8Array> {
    const { signed } = createSignedProposal({ channelId: '', chaincodeName, args, headerType, signer: this.signer });
    const response = (await this.client.send(signed)).getResponse();
    if (response?.getStatus() !== SUCCESS) {
      throw new TestNetworkError('DEPLOY_FAILED', `${what} failed with status ${response?.getStatus() ?? 'none'}: ${response?.getMessage() ?? 'no response'}`);
    }
    return response.getPayload_asU8();
  }
}
