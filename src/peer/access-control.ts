import { errorMessage } from '../common/errors/weft-error.js';
import type { Logger } from '../common/logging/logging.js';
import type { Envelope } from '../common/protos/common.js';
import type { SignedProposal } from '../common/protos/proposal.js';
import { AclError } from '../policies/acl-error.js';
import { AclProvider } from '../policies/acl-provider.js';
import { localPolicies } from '../policies/local-policies.js';
import type { PolicyIdentity, PolicyIdentityDeserializer } from '../policies/policy-identity.js';
import { signedDataOfEnvelope, signedDataOfProposal, type SignedData } from '../policies/signed-data.js';
import type { ChannelRegistry } from './channel-registry.js';

export interface AccessControlOptions {
  channels: ChannelRegistry;
  /** The peer's local MSP: channel-less resources (joining, installing) are its admins' or members'. */
  localMsp: PolicyIdentityDeserializer;
  localMspId: string;
  logger: Logger;
}

/**
 * Who may do what on this peer, decided by signed identities: the ACLs of the endorser and the
 * system chaincodes (Fabric's defaults, overridden by each channel's config).
 */
export class AccessControl {
  private readonly acl: AclProvider;

  constructor(private readonly opts: AccessControlOptions) {
    this.acl = new AclProvider({
      channelPolicies: (channelId) => {
        const bundle = opts.channels.getBundle(channelId);
        return bundle === undefined ? undefined : { policies: bundle.policies, acls: bundle.acls };
      },
      localPolicies: localPolicies(opts.localMspId, opts.localMsp),
      logger: opts.logger,
    });
  }

  /**
   * The ACL of `resource` for a proposal; throws with Fabric's message when its creator may not.
   * A creator the endorser has already verified is evaluated as it is, without a second signature check.
   */
  checkACL(resource: string, channelId: string, signed: SignedProposal | undefined, creator?: PolicyIdentity): void {
    if (resource === LSCC_DEPLOY || resource === LSCC_UPGRADE) {
      this.checkInstantiationPolicy(channelId, signed);
      return;
    }
    if (creator !== undefined) {
      this.acl.checkACLIdentities(resource, channelId, [creator]);
      return;
    }
    if (signed === undefined) throw new AclError('ACCESS_DENIED', `no signed proposal to check ${resource} against`);
    this.acl.checkACL(resource, channelId, signedDataOfProposal(signed));
  }

  /**
   * The ACL of `resource` for a signed envelope (a Deliver seek: event/Block, event/FilteredBlock):
   * its signature, its creator's validity in the channel's MSPs, and the policy.
   */
  checkEnvelopeACL(resource: string, channelId: string, envelope: Envelope): void {
    this.acl.checkACL(resource, channelId, signedDataOfEnvelope(envelope));
  }

  /** The ACL of `resource` for a signed request (the Gateway's CommitStatus and ChaincodeEvents): signature, creator, policy. */
  checkSignedDataACL(resource: string, channelId: string, signed: SignedData[]): void {
    this.acl.checkACL(resource, channelId, signed);
  }

  /** lscc's deploy and upgrade: the channel's instantiation policy (an admin of one of its organisations), as Fabric's lscc checks it. */
  private checkInstantiationPolicy(channelId: string, signed: SignedProposal | undefined): void {
    const bundle = this.opts.channels.getBundle(channelId);
    if (bundle === undefined) throw new AclError('CHANNEL_UNKNOWN', `Failed to get policy manager for channel [${channelId}]`);
    if (signed === undefined) throw new AclError('ACCESS_DENIED', 'no signed proposal to check the instantiation policy against');
    try {
      bundle.instantiationPolicy.evaluateSignedData(signedDataOfProposal(signed));
    } catch (err) {
      throw new AclError('ACCESS_DENIED', `chaincode instantiation policy violated, error ${errorMessage(err)}`, { cause: err });
    }
  }
}

const LSCC_DEPLOY = 'lscc/Deploy';
const LSCC_UPGRADE = 'lscc/Upgrade';
