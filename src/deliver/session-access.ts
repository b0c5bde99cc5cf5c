import { errorMessage } from '../common/errors/weft-error.js';
import type { Envelope } from '../common/protos/common.js';
import { DeliverError } from './deliver-error.js';

/** Which Deliver call a seek came on: the peer guards full and filtered blocks with different ACLs. */
export type DeliverKind = 'block' | 'filteredBlock' | 'blockAndPrivateData';

/** Throws when the envelope's signer may not read the channel's blocks this way. */
export type DeliverAuthorizer = (channelId: string, envelope: Envelope, kind: DeliverKind) => void;

export interface SessionAccessOptions {
  channelId: string;
  envelope: Envelope;
  kind: DeliverKind;
  authorize: DeliverAuthorizer;
  /** The channel's config sequence: a change (a new config block) makes the check run again. */
  configSequence: ((channelId: string) => number) | undefined;
  /** When the creator's certificate stops being valid; undefined when it does not expire. */
  expiresAt: Date | undefined;
  now: () => number;
}

/**
 * Whether one seek's signer may still be sent blocks (Fabric's SessionAccessControl): the
 * authorization is checked once, and again whenever the channel config changes; the creator's
 * certificate expiring ends the session.
 */
export class SessionAccess {
  private checked = false;
  private lastSequence: number | undefined;

  constructor(private readonly opts: SessionAccessOptions) {}

  get expiresAt(): Date | undefined {
    return this.opts.expiresAt;
  }

  /** Throws DeliverError FORBIDDEN when the session may not go on. */
  evaluate(): void {
    const { expiresAt, now } = this.opts;
    if (expiresAt !== undefined && now() > expiresAt.getTime()) {
      throw new DeliverError('FORBIDDEN', `deliver client identity expired ${now() - expiresAt.getTime()}ms before`);
    }
    const sequence = this.opts.configSequence?.(this.opts.channelId);
    if (this.checked && sequence === this.lastSequence) return;
    this.lastSequence = sequence;
    try {
      this.opts.authorize(this.opts.channelId, this.opts.envelope, this.opts.kind);
    } catch (err) {
      throw new DeliverError('FORBIDDEN', errorMessage(err), { cause: err });
    }
    this.checked = true;
  }
}
