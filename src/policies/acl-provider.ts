import type { Logger } from '../common/logging/logging.js';
import { AclError } from './acl-error.js';
import { CHANNEL_ACLS, LOCAL_ACLS } from './default-acls.js';
import type { LocalPolicies } from './local-policies.js';
import type { Policy } from './policy.js';
import { PolicyError } from './policy-error.js';
import type { PolicyIdentity } from './policy-identity.js';
import type { PolicyManager } from './policy-manager.js';
import type { SignedData } from './signed-data.js';

/** What the ACL provider needs of a channel: its policies and its config's ACLs (resource -> policy reference). */
export interface ChannelAcls {
  policies: PolicyManager;
  acls: ReadonlyMap<string, string>;
}

export interface AclProviderOptions {
  /** The current policies and ACLs of a channel, or undefined for a channel the peer does not have. */
  channelPolicies: (channelId: string) => ChannelAcls | undefined;
  localPolicies: LocalPolicies;
  logger?: Logger;
}

/**
 * Who may call what (Fabric's aclmgmt): peer-wide resources against the local MSP's Admins or
 * Members, channel resources against the policy the channel config's ACLs name, else Fabric's
 * default. Messages are Fabric's, so clients and operators see what a Fabric peer would say.
 */
export class AclProvider {
  private readonly channelPolicies: (channelId: string) => ChannelAcls | undefined;
  private readonly local: LocalPolicies;
  private readonly logger: Logger | undefined;

  constructor(opts: AclProviderOptions) {
    this.channelPolicies = opts.channelPolicies;
    this.local = opts.localPolicies;
    this.logger = opts.logger;
  }

  /**
   * Throws AclError: 'ACCESS_DENIED' when the signers do not satisfy the policy, 'RESOURCE_UNMAPPED'
   * for a resource with no policy, 'CHANNEL_UNKNOWN' for a channel resource of an unknown channel.
   */
  checkACL(resource: string, channelId: string, signed: readonly SignedData[]): void {
    const { policy, message } = this.policyFor(resource, channelId);
    this.evaluate(() => {
      policy.evaluateSignedData(signed);
    }, message);
  }

  /**
   * The same check for signers already verified (a proposal's creator, whose signature the
   * endorser has checked): no signature is verified again.
   */
  checkACLIdentities(resource: string, channelId: string, identities: readonly PolicyIdentity[]): void {
    const { policy, message } = this.policyFor(resource, channelId);
    this.evaluate(() => {
      policy.evaluateIdentities(identities);
    }, message);
  }

  /** The policy that guards `resource` on the channel, and how a refusal by it is worded. */
  private policyFor(resource: string, channelId: string): { policy: Policy; message: (reason: string) => string } {
    // Peer-wide resources first, whatever the channel: a channel config cannot loosen them.
    const localName = LOCAL_ACLS.get(resource);
    if (localName !== undefined) {
      return { policy: localName === 'Admins' ? this.local.admins : this.local.members, message: (reason) => reason };
    }
    const channel = channelId === '' ? undefined : this.channelPolicies(channelId);
    const configured = channel?.acls.get(resource);
    if (channel !== undefined && configured !== undefined && configured !== '') {
      const ref = absolutePolicyRef(configured);
      const policy = channel.policies.getPolicy(ref);
      const prefix = `failed evaluating policy on signed data during check policy [${ref}]`;
      if (policy === undefined) throw new AclError('ACCESS_DENIED', `${prefix}: [policy ${ref} not found]`);
      return { policy, message: (reason) => `${prefix}: [${reason}]` };
    }
    const ref = CHANNEL_ACLS.get(resource);
    if (ref === undefined) throw new AclError('RESOURCE_UNMAPPED', `Unmapped policy for ${resource}`);
    if (channel === undefined) throw new AclError('CHANNEL_UNKNOWN', `Failed to get policy manager for channel [${channelId}]`);
    const policy = channel.policies.getPolicy(ref);
    const prefix = `Failed evaluating policy on signed data during check policy on channel [${channelId}] with policy [${ref}]`;
    if (policy === undefined) throw new AclError('ACCESS_DENIED', `${prefix}: [no such policy: '${ref}']`);
    return { policy, message: (reason) => `${prefix}: [${reason}]` };
  }

  private evaluate(run: () => void, message: (reason: string) => string): void {
    try {
      run();
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      this.logger?.warn('CheckACL', `Failed evaluating policy on signed data: ${err.message}`);
      throw new AclError('ACCESS_DENIED', message(err.message), { cause: err });
    }
  }
}

/** A config ACL's policy reference: relative ones are under /Channel/Application, as Fabric reads them. */
export function absolutePolicyRef(ref: string): string {
  return ref.startsWith('/') ? ref : `/Channel/Application/${ref}`;
}
