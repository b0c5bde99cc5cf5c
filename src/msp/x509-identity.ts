import { verify, type KeyObject, type X509Certificate } from 'node:crypto';
import type { MSPPrincipal } from '../common/protos/msp.js';
import type { CertificateFields } from './certificate-fields.js';
import { curveOrderOf, lowSDerChecker } from './ecdsa-signature.js';
import type { Identity, NodeRole } from './identity.js';
import { MspError } from './msp-error.js';

/** What an identity asks of the MSP that read it (FabricMsp): the rules live there, as in Fabric. */
export interface IdentityOwner {
  readonly id: string;
  /** The digest signatures are made over ('sha256' for Fabric's SHA2 family). */
  readonly signatureHash: string;
  /** Whether Ed25519 signatures count (a channel with the V3_0 capability). */
  readonly allowsEd25519: boolean;
  /** Chain, CRL and OU checks: an MspError, or the identity's certifiers identifier (hash of its CA chain). */
  checkIdentity(identity: X509Identity): MspError | { certifiersIdentifier: Uint8Array };
  /** The current time when validity dates are checked, or undefined when they are not. */
  currentTime(): Date | undefined;
  satisfiesPrincipal(identity: X509Identity, principal: MSPPrincipal): boolean;
  nodeRoleOf(identity: X509Identity): NodeRole | undefined;
}

// How many verified signatures an identity remembers: a proposal's second check comes right after its first.
const VERIFIED_KEPT = 8;
// How many of its own signatures the peer's identity remembers: its endorsements until their block
// commits (a few blocks of transactions in flight). Each keeps the ~1-2 KB it signed.
const OWN_KEPT = 2048;

/** An identity of an X.509 (Fabric type) MSP. */
export class X509Identity implements Identity {
  private readonly publicKey: KeyObject;
  /** ECDSA: the shape and low-S rule a signature must pass before it is verified. */
  private readonly lowS: ((signature: Uint8Array) => boolean) | undefined;
  private checked: MspError | { certifiersIdentifier: Uint8Array } | undefined;
  /** The newest signatures that verified, with what they signed (compared byte for byte: cheaper than a digest of it). */
  private readonly verified = new Map<string, Uint8Array>();
  /** Signatures this process made with this identity's own key (noteOwnSignature), likewise. */
  private readonly own = new Map<string, Uint8Array>();

  constructor(
    private readonly owner: IdentityOwner,
    readonly serialized: Uint8Array,
    readonly id: string,
    readonly certificate: X509Certificate,
    readonly fields: CertificateFields,
    /** The certificate's DER in Fabric's sanitized form (low-S signature): what ids, admin certificates and IDENTITY principals compare. */
    readonly raw: Uint8Array,
  ) {
    this.publicKey = certificate.publicKey;
    const order = curveOrderOf(this.publicKey);
    this.lowS = order === undefined ? undefined : lowSDerChecker(order);
  }

  get mspId(): string {
    return this.owner.id;
  }

  validate(): void {
    const checked = this.structuralCheck();
    if (checked instanceof MspError) throw checked;
    const now = this.owner.currentTime();
    if (now === undefined) return;
    // The chain was checked as Fabric does, at the certificate's issuance; its own dates against the clock.
    const { notBefore, notAfter } = this.fields;
    if (now.getTime() > notAfter.getTime() || now.getTime() < notBefore.getTime()) {
      const relation = now.getTime() > notAfter.getTime() ? `is after ${notAfter.toISOString()}` : `is before ${notBefore.toISOString()}`;
      throw new MspError(
        'IDENTITY_EXPIRED',
        `the supplied identity is not valid: x509: certificate has expired or is not yet valid: current time ${now.toISOString()} ${relation}`,
      );
    }
  }

  /** Is the identity valid (no throw)? */
  isValid(): boolean {
    try {
      this.validate();
      return true;
    } catch {
      return false;
    }
  }

  /** The subject's OUs with the identifier of the CA chain that certified them (Fabric's OUIdentifier); empty when there is no chain. */
  organizationalUnits(): { ou: string; certifiersIdentifier: Uint8Array }[] {
    const checked = this.structuralCheck();
    const certifiersIdentifier = checked instanceof MspError ? new Uint8Array(0) : checked.certifiersIdentifier;
    return this.fields.organizationalUnits.map((ou) => ({ ou, certifiersIdentifier }));
  }

  /** client, peer, admin or orderer when the MSP classifies identities by NodeOUs. */
  nodeRole(): NodeRole | undefined {
    return this.owner.nodeRoleOf(this);
  }

  verify(message: Uint8Array, signature: Uint8Array): boolean {
    // A proposal's signature is checked by the endorser, then again by the ACL of a system chaincode
    // (as in Fabric): the second time, the same bytes under the same signature are enough.
    const signatureKey = latin1(signature);
    if (this.known(signatureKey, message)) return true;
    const valid = this.verifyNow(message, signature);
    if (valid) this.remember(signatureKey, message);
    return valid;
  }

  verifyAsync(message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    const signatureKey = latin1(signature);
    if (this.known(signatureKey, message)) return Promise.resolve(true);
    const algorithm = this.algorithmFor(signature);
    if (algorithm === false) return Promise.resolve(false);
    return new Promise((resolve) => {
      try {
        verify(algorithm, message, this.publicKey, signature, (err, valid) => {
          if (err === null && valid) this.remember(signatureKey, message);
          resolve(err === null && valid);
        });
      } catch {
        resolve(false);
      }
    });
  }

  private known(signatureKey: string, message: Uint8Array): boolean {
    return sameBytes(this.verified.get(signatureKey), message) || sameBytes(this.own.get(signatureKey), message);
  }

  private remember(signatureKey: string, message: Uint8Array): void {
    if (this.verified.size >= VERIFIED_KEPT) this.verified.delete(this.verified.keys().next().value ?? '');
    // A copy: the caller may reuse its buffer, and a view could keep a larger one alive. From Node's
    // pool (this runs on every proposal), which the few entries kept can afford to hold on to.
    this.verified.set(signatureKey, Buffer.from(message));
  }

  /**
   * Records a signature this process made over `message` with this identity's private key (the
   * peer's endorsements): checking it again at commit then costs a comparison, not a verify. Only a
   * signer may call it, with what it signed itself.
   */
  noteOwnSignature(message: Uint8Array, signature: Uint8Array): void {
    const signatureKey = latin1(signature);
    if (this.own.size >= OWN_KEPT) this.own.delete(this.own.keys().next().value ?? '');
    // A copy, as above.
    this.own.set(signatureKey, new Uint8Array(message));
  }

  private verifyNow(message: Uint8Array, signature: Uint8Array): boolean {
    const algorithm = this.algorithmFor(signature);
    if (algorithm === false) return false;
    try {
      return verify(algorithm, message, this.publicKey, signature);
    } catch {
      return false;
    }
  }

  /** The digest to verify `signature` with (null for Ed25519), or false when it cannot count at all. */
  private algorithmFor(signature: Uint8Array): string | null | false {
    if (this.lowS !== undefined) {
      // Fabric refuses the high-S twin of a signature, which anyone can make from a valid one.
      return this.lowS(signature) ? this.owner.signatureHash : false;
    }
    if (this.publicKey.asymmetricKeyType === 'ed25519') return this.owner.allowsEd25519 ? null : false;
    return false;
  }

  satisfiesPrincipal(principal: MSPPrincipal): boolean {
    return this.owner.satisfiesPrincipal(this, principal);
  }

  private structuralCheck(): MspError | { certifiersIdentifier: Uint8Array } {
    this.checked ??= this.owner.checkIdentity(this);
    return this.checked;
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function sameBytes(known: Uint8Array | undefined, message: Uint8Array): boolean {
  return known !== undefined && Buffer.from(known.buffer, known.byteOffset, known.byteLength).equals(message);
}
