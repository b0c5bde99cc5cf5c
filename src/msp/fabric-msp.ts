import { createHash, X509Certificate } from 'node:crypto';
import { errorMessage } from '../common/errors/weft-error.js';
import {
  CombinedPrincipal,
  FabricMSPConfig,
  MSPIdentityAnonymity,
  MSPPrincipal,
  MSPRole,
  MSP_TYPE_FABRIC,
  OrganizationUnit,
  type FabricOUIdentifier,
  type MSPConfig,
} from '../common/protos/msp.js';
import { BoundedCache } from './bounded-cache.js';
import { readCertificateFields, type CertificateFields } from './certificate-fields.js';
import type { IdentityDeserializer, NodeRole } from './identity.js';
import { MspError, type MspErrorCode } from './msp-error.js';
import { firstPemBlock } from './pem.js';
import { RevocationList } from './revocation-list.js';
import { sanitizeCertificate } from './sanitize-certificate.js';
import { deserializeCached } from './serialized-identity.js';
import { X509Identity, type IdentityOwner } from './x509-identity.js';

export interface FabricMspOptions {
  /** The clock identities' validity dates are checked against (default: the system clock). */
  now?: () => Date;
  /**
   * Refuse identities outside their validity dates (default true). Fabric's MSP itself checks a
   * chain at the certificate's issuance and leaves expiry to the endorser's auth filter: a
   * validator replaying old blocks passes false.
   */
  checkExpiry?: boolean;
  /** How many deserialized identities to keep (default 1024). */
  identityCacheSize?: number;
  /**
   * Accept Ed25519 identities (default true). A channel's MSPs accept them only when the channel
   * has the V3_0 capability, as in Fabric 3.
   */
  allowEd25519?: boolean;
}

/** A certificate with what the chain checks read from it; `raw` is its sanitized DER, `key` that DER as a latin1 string. */
interface CertRef {
  readonly cert: X509Certificate;
  readonly raw: Uint8Array;
  readonly key: string;
  readonly fields: CertificateFields;
}

interface NodeOu {
  readonly ou: string;
  readonly certifiersIdentifier: Uint8Array | undefined;
}

type NodeOUs = Partial<Record<NodeRole, NodeOu>>;

/** A chain-check failure: the code and Fabric's wording. */
interface ChainFailure {
  readonly code: MspErrorCode;
  readonly message: string;
}

const { Classification } = MSPPrincipal;
const { MSPRoleType } = MSPRole;
const MAX_CHAIN_DEPTH = 8;
const SIGNATURE_HASHES: ReadonlyMap<string, string> = new Map([
  ['SHA2', 'sha256'],
  ['SHA3', 'sha3-256'],
]);
const IDENTIFIER_HASHES: ReadonlyMap<string, string> = new Map([
  ['SHA256', 'sha256'],
  ['SHA384', 'sha384'],
  ['SHA3_256', 'sha3-256'],
  ['SHA3_384', 'sha3-384'],
]);

/**
 * An X.509 MSP as Fabric 2.5 sets one up from channel config or a local folder (msp/mspimplsetup.go,
 * the rules of MSP version 1.4.3 that V2_0 channels use): its CAs, CRLs, admins, OU identifiers
 * and NodeOUs; and the identities it deserializes, validates and matches against principals.
 */
export class FabricMsp implements IdentityDeserializer, IdentityOwner {
  readonly id: string;
  readonly signatureHash: string;
  /** The TLS CA certificates of the org, as the config holds them (PEM). */
  readonly tlsRootCerts: readonly Uint8Array[];
  readonly tlsIntermediateCerts: readonly Uint8Array[];
  private readonly identifierHash: string;
  private readonly roots: CertRef[] = [];
  private readonly intermediates: CertRef[] = [];
  private readonly rootKeys = new Set<string>();
  /** CAs above an intermediate: identities must be issued by a CA at the bottom of the tree. */
  private readonly internalNodes = new Set<string>();
  private readonly crls: RevocationList[];
  private readonly admins = new Set<string>();
  /** Whether an identity's certificate is one of `admins` (fixed for the MSP's life): each is compared once. */
  private readonly listedAdmins = new WeakMap<X509Identity, boolean>();
  private readonly ouIdentifiers = new Map<string, Uint8Array[]>();
  /** Undefined when NodeOUs are not enforced. */
  private readonly nodeOUs: NodeOUs | undefined;
  private readonly now: () => Date;
  private readonly checkExpiry: boolean;
  readonly allowsEd25519: boolean;
  private readonly cache: BoundedCache<string, X509Identity>;
  private readonly decodedRoles = new WeakMap<MSPPrincipal, { mspId: string; role: number }>();

  // Over the limit (20): being written as this lands; reading the CRLs and the OU identifiers in
  // methods of their own would bring it under.
  // eslint-disable-next-line complexity
  private constructor(config: FabricMSPConfig, opts: FabricMspOptions) {
    this.id = config.getName();
    this.now = opts.now ?? ((): Date => new Date());
    this.checkExpiry = opts.checkExpiry ?? true;
    this.allowsEd25519 = opts.allowEd25519 ?? true;
    this.cache = new BoundedCache(opts.identityCacheSize ?? 1024);

    const crypto = config.getCryptoConfig();
    const family = crypto?.getSignatureHashFamily() || 'SHA2';
    const identifier = crypto?.getIdentityIdentifierHashFunction() || 'SHA256';
    this.signatureHash = required(SIGNATURE_HASHES.get(family), `hash family not recognized [${family}]`);
    this.identifierHash = required(IDENTIFIER_HASHES.get(identifier), `hash function not recognized [${identifier}]`);

    const rootCerts = config.getRootCertsList_asU8();
    if (rootCerts.length === 0) throw configError('expected at least one CA certificate');
    // One parse per certificate: the NodeOUs name the CA certificates again, usually four times.
    const parse = certParser();
    // Parsed first, then sanitized: an intermediate's issuer may come later in the lists.
    const roots = rootCerts.map((pem) => parse(pem));
    const intermediates = config.getIntermediateCertsList_asU8().map((pem) => parse(pem));
    this.roots.push(...roots);
    this.intermediates.push(...intermediates);
    const sanitizedRoots = roots.map((ca) => this.sanitized(ca));
    const sanitizedIntermediates = intermediates.map((ca) => this.sanitized(ca));
    this.roots.length = 0;
    this.intermediates.length = 0;
    for (const ca of sanitizedRoots) this.addCa(this.roots, ca, true);
    for (const ca of sanitizedIntermediates) this.addCa(this.intermediates, ca, false);

    this.crls = config.getRevocationListList_asU8().map((bytes) => {
      let crl: RevocationList;
      try {
        crl = RevocationList.parse(bytes);
      } catch (err) {
        throw configError(`could not parse RevocationList: ${errorMessage(err)}`, err);
      }
      // Fabric fails every validation of this MSP then; refusing the config says it once.
      if (crl.authorityKeyIdentifier === undefined) throw configError('could not obtain Authority Key Identifier for crl');
      return crl;
    });

    this.finalizeCas();
    this.nodeOUs = this.setupNodeOUs(config, parse);

    for (const pem of config.getAdminsList_asU8()) this.admins.add(this.sanitized(parse(pem)).key);
    if (this.admins.size === 0 && this.nodeOUs?.admin === undefined) {
      throw configError('administrators must be declared when no admin ou classification is set');
    }

    this.tlsRootCerts = config.getTlsRootCertsList_asU8();
    this.tlsIntermediateCerts = config.getTlsIntermediateCertsList_asU8();
    for (const pem of [...this.tlsRootCerts, ...this.tlsIntermediateCerts]) checkCaAttributes(parse(pem));

    for (const ou of config.getOrganizationalUnitIdentifiersList()) {
      let certifiers: Uint8Array;
      try {
        certifiers = this.certifiersIdentifierOf(parse(ou.getCertificate_asU8()));
      } catch (err) {
        throw configError(`failed getting certificate for [${ou.getOrganizationalUnitIdentifier()}]: ${errorMessage(err)}`, err);
      }
      const list = this.ouIdentifiers.get(ou.getOrganizationalUnitIdentifier()) ?? [];
      if (!list.some((known) => Buffer.from(known).equals(certifiers))) list.push(certifiers);
      this.ouIdentifiers.set(ou.getOrganizationalUnitIdentifier(), list);
    }

    this.checkAdmins(config.getAdminsList_asU8());
  }

  /** Sets up the MSP of an MSPConfig (type FABRIC); throws MspError 'MSP_CONFIG_INVALID' naming what is wrong. */
  static fromConfig(config: MSPConfig, opts: FabricMspOptions = {}): FabricMsp {
    if (config.getType() !== MSP_TYPE_FABRIC) throw configError(`MSP type ${config.getType()} is not supported: only FABRIC (X.509) MSPs are`);
    let fabric: FabricMSPConfig;
    try {
      fabric = FabricMSPConfig.deserializeBinary(config.getConfig_asU8());
    } catch (err) {
      throw configError(`could not unmarshal the FabricMSPConfig: ${errorMessage(err)}`, err);
    }
    try {
      return new FabricMsp(fabric, opts);
    } catch (err) {
      if (err instanceof MspError) {
        // Name the MSP, as Fabric's "setting up the MSP manager failed" does.
        throw new MspError(err.code, `MSP ${fabric.getName()}: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }

  /** True when this MSP classifies identities by NodeOUs. */
  get nodeOUsEnabled(): boolean {
    return this.nodeOUs !== undefined;
  }

  deserializeIdentity(serialized: Uint8Array): X509Identity {
    return deserializeCached(this.cache, serialized, (mspId, idBytes) => {
      if (mspId !== this.id) throw new MspError('MSP_MISMATCH', `expected MSP ID ${this.id}, received ${mspId}`);
      return this.identityOf(idBytes, serialized);
    });
  }

  /** An identity of this MSP from the PEM certificate of a SerializedIdentity (no MSP ID check). */
  identityOf(pemBytes: Uint8Array, serialized: Uint8Array): X509Identity {
    const block = firstPemBlock(pemBytes);
    if (block === undefined) throw new MspError('IDENTITY_MALFORMED', 'could not decode the PEM structure');
    let cert: X509Certificate;
    let fields: CertificateFields;
    try {
      cert = new X509Certificate(block.der);
      fields = readCertificateFields(block.der);
    } catch (err) {
      throw new MspError('IDENTITY_MALFORMED', `parseCertificate failed: ${errorMessage(err)}`, { cause: err });
    }
    const raw = this.sanitized({ cert, fields, raw: block.der, key: '' }).raw;
    const id = createHash(this.identifierHash).update(raw).digest('hex');
    // A copy: `serialized` may be a view into a request's buffer, which a cached identity would keep alive.
    return new X509Identity(this, new Uint8Array(serialized), id, cert, fields, raw);
  }

  currentTime(): Date | undefined {
    return this.checkExpiry ? this.now() : undefined;
  }

  checkIdentity(identity: X509Identity): MspError | { certifiersIdentifier: Uint8Array } {
    const ref: CertRef = { cert: identity.certificate, fields: identity.fields, raw: identity.raw, key: Buffer.from(identity.raw).toString('latin1') };
    if (identity.certificate.ca) {
      return new MspError(
        'IDENTITY_UNTRUSTED',
        'could not obtain certification chain: An X509 certificate with Basic Constraint: Certificate Authority equals true cannot be used as an identity',
      );
    }
    if (!this.allowsEd25519 && identity.certificate.publicKey.asymmetricKeyType === 'ed25519') {
      return new MspError('IDENTITY_UNTRUSTED', 'Ed25519 identities need the channel capability V3_0');
    }
    const chain = this.validationChain(ref, false);
    if (!Array.isArray(chain)) return new MspError(chain.code, `could not obtain certification chain: ${chain.message}`);
    if (this.isRevoked(ref, chain)) {
      return new MspError('IDENTITY_REVOKED', 'could not validate identity against certification chain: The certificate has been revoked');
    }
    const certifiersIdentifier = this.chainIdentifier(chain.slice(1));
    const ouProblem = this.ouProblem(identity.fields.organizationalUnits, certifiersIdentifier);
    if (ouProblem !== undefined) return new MspError('IDENTITY_OU', `could not validate identity's OUs: ${ouProblem}`);
    return { certifiersIdentifier };
  }

  nodeRoleOf(identity: X509Identity): NodeRole | undefined {
    const nodeOUs = this.nodeOUs;
    if (nodeOUs === undefined) return undefined;
    const ous = identity.fields.organizationalUnits;
    return (['client', 'peer', 'admin', 'orderer'] as const).find((role) => {
      const nodeOu = nodeOUs[role];
      return nodeOu !== undefined && ous.includes(nodeOu.ou);
    });
  }

  satisfiesPrincipal(identity: X509Identity, principal: MSPPrincipal): boolean {
    try {
      return this.satisfies(identity, principal);
    } catch {
      // A principal that cannot be read is satisfied by no one.
      return false;
    }
  }

  private satisfies(identity: X509Identity, principal: MSPPrincipal): boolean {
    const bytes = principal.getPrincipal_asU8();
    switch (principal.getPrincipalClassification()) {
      case Classification.COMBINED: {
        const parts = CombinedPrincipal.deserializeBinary(bytes).getPrincipalsList();
        return parts.length > 0 && parts.every((part) => this.satisfies(identity, part));
      }
      case Classification.ANONYMITY:
        // An X.509 identity is nominal, never anonymous.
        return MSPIdentityAnonymity.deserializeBinary(bytes).getAnonymityType() === MSPIdentityAnonymity.MSPIdentityAnonymityType.NOMINAL;
      case Classification.ROLE: {
        const role = this.roleOf(principal, bytes);
        return role.mspId === this.id && this.hasRole(identity, role.role);
      }
      case Classification.ORGANIZATION_UNIT: {
        const unit = OrganizationUnit.deserializeBinary(bytes);
        if (unit.getMspIdentifier() !== this.id || !identity.isValid()) return false;
        const certifiers = Buffer.from(unit.getCertifiersIdentifier_asU8());
        return identity
          .organizationalUnits()
          .some((ou) => ou.ou === unit.getOrganizationalUnitIdentifier() && certifiers.equals(ou.certifiersIdentifier));
      }
      case Classification.IDENTITY: {
        const other = this.deserializeIdentity(bytes);
        return Buffer.from(other.raw).equals(identity.raw) && other.isValid();
      }
      default:
        return false;
    }
  }

  /** A role principal decoded once: policies hand the same principal objects to every evaluation. */
  private roleOf(principal: MSPPrincipal, bytes: Uint8Array): { mspId: string; role: number } {
    let role = this.decodedRoles.get(principal);
    if (role === undefined) {
      const decoded = MSPRole.deserializeBinary(bytes);
      role = { mspId: decoded.getMspIdentifier(), role: decoded.getRole() };
      this.decodedRoles.set(principal, role);
    }
    return role;
  }

  private isListedAdmin(identity: X509Identity): boolean {
    let listed = this.listedAdmins.get(identity);
    if (listed === undefined) {
      listed = this.admins.has(Buffer.from(identity.raw).toString('latin1'));
      this.listedAdmins.set(identity, listed);
    }
    return listed;
  }

  private hasRole(identity: X509Identity, role: number): boolean {
    switch (role) {
      case MSPRoleType.MEMBER:
        return identity.isValid();
      case MSPRoleType.ADMIN:
        // Named in admincerts, or (with NodeOUs) carrying the admin OU; valid either way.
        return (this.isListedAdmin(identity) || this.hasOuRole(identity, 'admin')) && identity.isValid();
      case MSPRoleType.CLIENT:
        return this.hasOuRole(identity, 'client') && identity.isValid();
      case MSPRoleType.PEER:
        return this.hasOuRole(identity, 'peer') && identity.isValid();
      case MSPRoleType.ORDERER:
        return this.hasOuRole(identity, 'orderer') && identity.isValid();
      default:
        return false;
    }
  }

  /** Fabric's hasOURole: NodeOUs on, the role's OU defined, and the identity carries its name. */
  private hasOuRole(identity: X509Identity, role: NodeRole): boolean {
    const nodeOu = this.nodeOUs?.[role];
    return nodeOu !== undefined && identity.fields.organizationalUnits.includes(nodeOu.ou);
  }

  /** Why the identity's OUs are not acceptable (OrganizationalUnitIdentifiers, then NodeOUs), or undefined. */
  private ouProblem(ous: readonly string[], certifiers: Uint8Array): string | undefined {
    const ouIds = (): string => `[${ous.map((ou) => `${ou}(${Buffer.from(certifiers.subarray(0, 8)).toString('hex').toUpperCase()})`).join(' ')}]`;
    if (this.ouIdentifiers.size > 0) {
      const found = ous.some((ou) => this.ouIdentifiers.get(ou)?.some((known) => Buffer.from(known).equals(certifiers)) === true);
      if (!found) {
        return ous.length === 0
          ? 'the identity certificate does not contain an Organizational Unit (OU)'
          : `none of the identity's organizational units ${ouIds()} are in MSP ${this.id}`;
      }
    }
    if (this.nodeOUs === undefined) return undefined;
    // Later roles win when two share an OU name, as in Fabric's map.
    const byName = new Map<string, NodeOu>();
    for (const role of ['client', 'peer', 'admin', 'orderer'] as const) {
      const nodeOu = this.nodeOUs[role];
      if (nodeOu !== undefined) byName.set(nodeOu.ou, nodeOu);
    }
    let count = 0;
    for (const ou of ous) {
      const nodeOu = byName.get(ou);
      if (nodeOu === undefined) continue;
      if (nodeOu.certifiersIdentifier !== undefined && !Buffer.from(nodeOu.certifiersIdentifier).equals(certifiers)) {
        return `certifiersIdentifier does not match: ${ouIds()}, MSP: [${this.id}]`;
      }
      if (++count > 1) break;
    }
    if (count === 0) return `the identity does not have an OU that resolves to client, peer, orderer, or admin role. OUs: ${ouIds()}, MSP: [${this.id}]`;
    if (count > 1) {
      return `the identity must have a client, a peer, an orderer, or an admin OU role to be valid, not a combination of them. OUs: ${ouIds()}, MSP: [${this.id}]`;
    }
    return undefined;
  }

  /** The certificate in Fabric's sanitized form (low-S signature), its issuer found among this MSP's CAs. */
  private sanitized(ref: CertRef): CertRef {
    const { cert } = ref;
    const issuer = cert.checkIssued(cert) ? cert : [...this.roots, ...this.intermediates].find((ca) => cert.checkIssued(ca.cert))?.cert;
    const raw = sanitizeCertificate(ref.raw, ref.fields.signed, issuer?.publicKey);
    return raw === ref.raw ? ref : { ...ref, raw, key: Buffer.from(raw).toString('latin1') };
  }

  private addCa(list: CertRef[], ref: CertRef, root: boolean): void {
    if (list.some((known) => known.key === ref.key)) return;
    list.push(ref);
    if (root) this.rootKeys.add(ref.key);
  }

  /** Fabric's finalizeSetupCAs: every CA is a CA, has an SKI, chains up and is not revoked; then the tree's internal nodes. */
  private finalizeCas(): void {
    for (const ca of [...this.roots, ...this.intermediates]) {
      checkCaAttributes(ca);
      const chain = this.uniqueChain(ca, issuanceTime(ca));
      if (!Array.isArray(chain)) throw configError(`CA Certificate is not valid, (SN: ${ca.fields.serialNumber.toString()}): could not obtain certification chain: ${chain.message}`);
      if (chain.length > 1 && this.isRevoked(ca, chain)) {
        throw configError(`CA Certificate is not valid, (SN: ${ca.fields.serialNumber.toString()}): The certificate has been revoked`);
      }
    }
    for (const ca of this.intermediates) {
      const chain = this.uniqueChain(ca, issuanceTime(ca));
      if (Array.isArray(chain)) for (const above of chain.slice(1)) this.internalNodes.add(above.key);
    }
  }

  private setupNodeOUs(config: FabricMSPConfig, parse: (pem: Uint8Array) => CertRef): NodeOUs | undefined {
    const node = config.getFabricNodeOus();
    if (node === undefined || !node.getEnable()) return undefined;
    const nodeOUs: NodeOUs = {};
    const entries: [NodeRole, FabricOUIdentifier | undefined][] = [
      ['client', node.getClientOuIdentifier()],
      ['peer', node.getPeerOuIdentifier()],
      ['admin', node.getAdminOuIdentifier()],
      ['orderer', node.getOrdererOuIdentifier()],
    ];
    for (const [role, ou] of entries) {
      if (ou === undefined) continue;
      const certificate = ou.getCertificate_asU8();
      nodeOUs[role] = {
        ou: ou.getOrganizationalUnitIdentifier(),
        certifiersIdentifier: certificate.length === 0 ? undefined : this.certifiersIdentifierOf(parse(certificate)),
      };
    }
    // NodeOUs enabled with no OU at all classify nothing: Fabric turns enforcement off.
    return Object.keys(nodeOUs).length === 0 ? undefined : nodeOUs;
  }

  /** Fabric's postSetup: with NodeOUs, every admin is a client or an admin; without, every admin is a valid member. */
  private checkAdmins(admins: readonly Uint8Array[]): void {
    admins.forEach((pem, i) => {
      const identity = this.identityOf(pem, new Uint8Array(0));
      if (this.nodeOUs !== undefined) {
        if (!this.hasOuRole(identity, 'client') && !this.hasOuRole(identity, 'admin')) {
          throw configError(`admin ${i} is invalid: it carries neither the client nor the admin OU`);
        }
        return;
      }
      const checked = this.checkIdentity(identity);
      if (checked instanceof MspError) throw configError(`admin ${i} is invalid: ${checked.message}`, checked);
    });
  }

  /** Fabric's getCertifiersIdentifier: the hash of the chain from a root or intermediate CA of this MSP up to its root. */
  private certifiersIdentifierOf(cert: CertRef): Uint8Array {
    const ref = this.sanitized(cert);
    if (this.rootKeys.has(ref.key)) return this.chainIdentifier([ref]);
    if (!this.intermediates.some((ca) => ca.key === ref.key)) {
      throw configError(`Failed adding OU. Certificate [${ref.cert.subject.replace(/\n/g, ',')}] not in root or intermediate certs.`);
    }
    const chain = this.validationChain(ref, true);
    if (!Array.isArray(chain)) throw configError(`Failed computing validation chain for [${ref.cert.subject.replace(/\n/g, ',')}]. [${chain.message}]`);
    return this.chainIdentifier(chain);
  }

  private chainIdentifier(chain: readonly CertRef[]): Uint8Array {
    const hash = createHash(this.identifierHash);
    for (const ca of chain) hash.update(ca.raw);
    return hash.digest();
  }

  /** Fabric's getValidationChain: the unique chain, at least two long, whose parent is a leaf of the CA tree. */
  private validationChain(ref: CertRef, intermediate: boolean): CertRef[] | ChainFailure {
    const chain = this.uniqueChain(ref, issuanceTime(ref));
    if (!Array.isArray(chain)) return { code: chain.code, message: `failed getting validation chain: ${chain.message}` };
    if (chain.length < 2) return { code: 'IDENTITY_UNTRUSTED', message: `expected a chain of length at least 2, got ${chain.length}` };
    const parent = chain[intermediate ? 0 : 1];
    if (parent !== undefined && this.internalNodes.has(parent.key)) {
      return { code: 'IDENTITY_UNTRUSTED', message: 'invalid validation chain. Parent certificate should be a leaf of the certification tree' };
    }
    return chain;
  }

  /**
   * The one chain from `leaf` up to a root of this MSP, every certificate valid at `at` (Fabric
   * checks a chain at the leaf's issuance, so that old transactions stay valid).
   */
  private uniqueChain(leaf: CertRef, at: Date): CertRef[] | ChainFailure {
    if (this.rootKeys.has(leaf.key)) return [leaf];
    const chains: CertRef[][] = [];
    let timeProblem = outsideValidity(leaf, at);
    const issues = (ca: CertRef, child: CertRef): boolean => {
      if (!ca.cert.ca || !child.cert.checkIssued(ca.cert) || !child.cert.verify(ca.cert.publicKey)) return false;
      const problem = outsideValidity(ca, at);
      timeProblem ??= problem;
      return problem === undefined;
    };
    // A certificate appears once in a chain (a CA listed both as root and intermediate would loop).
    const fresh = (chain: readonly CertRef[], ca: CertRef): boolean => !chain.some((c) => c.key === ca.key);
    const extend = (chain: CertRef[], child: CertRef): void => {
      for (const ca of this.roots) if (fresh(chain, ca) && issues(ca, child)) chains.push([...chain, ca]);
      if (chain.length >= MAX_CHAIN_DEPTH) return;
      for (const ca of this.intermediates) if (fresh(chain, ca) && !this.rootKeys.has(ca.key) && issues(ca, child)) extend([...chain, ca], ca);
    };
    if (timeProblem === undefined) extend([leaf], leaf);
    if (chains.length === 1 && chains[0] !== undefined) return chains[0];
    if (chains.length > 1) return { code: 'IDENTITY_UNTRUSTED', message: `this MSP only supports a single validation chain, got ${chains.length}` };
    if (timeProblem !== undefined) {
      return { code: 'IDENTITY_EXPIRED', message: `the supplied identity is not valid: x509: certificate has expired or is not yet valid: ${timeProblem}` };
    }
    return { code: 'IDENTITY_UNTRUSTED', message: 'the supplied identity is not valid: x509: certificate signed by unknown authority' };
  }

  /** Fabric's validateCertAgainstChain: a CRL of the issuing CA (its AKI is the CA's SKI), signed by it, lists the serial. */
  private isRevoked(ref: CertRef, chain: readonly CertRef[]): boolean {
    const issuer = chain[1];
    const ski = issuer?.fields.subjectKeyIdentifier;
    if (issuer === undefined || ski === undefined) return false;
    return this.crls.some(
      (crl) =>
        crl.authorityKeyIdentifier !== undefined &&
        Buffer.from(crl.authorityKeyIdentifier).equals(ski) &&
        crl.revokes(ref.fields.serialNumber) &&
        crl.isSignedBy(issuer.cert.publicKey),
    );
  }
}

/** certFromPem that parses each distinct PEM once. */
function certParser(): (pem: Uint8Array) => CertRef {
  const parsed = new Map<string, CertRef>();
  return (pem) => {
    const key = Buffer.from(pem.buffer, pem.byteOffset, pem.byteLength).toString('latin1');
    let ref = parsed.get(key);
    if (ref === undefined) {
      ref = certFromPem(pem);
      parsed.set(key, ref);
    }
    return ref;
  };
}

/** Fabric's getCertFromPem. */
function certFromPem(pem: Uint8Array): CertRef {
  const block = firstPemBlock(pem);
  if (block === undefined) throw configError(`getCertFromPem error: could not decode pem bytes [${Buffer.from(pem).toString('latin1').slice(0, 80)}]`);
  try {
    return { cert: new X509Certificate(block.der), fields: readCertificateFields(block.der), raw: block.der, key: Buffer.from(block.der).toString('latin1') };
  } catch (err) {
    throw configError(`getCertFromPem error: failed to parse x509 cert: ${errorMessage(err)}`, err);
  }
}

function checkCaAttributes(ca: CertRef): void {
  const sn = ca.fields.serialNumber.toString(16);
  if (!ca.cert.ca) throw configError(`CA Certificate did not have the CA attribute, (SN: ${sn})`);
  if (ca.fields.subjectKeyIdentifier === undefined) {
    throw configError(`CA Certificate problem with Subject Key Identifier extension, (SN: ${sn}): subjectKeyIdentifier not found in certificate`);
  }
}

/** One second after the certificate's notBefore: the time Fabric checks its chain at. */
function issuanceTime(ref: CertRef): Date {
  return new Date(ref.fields.notBefore.getTime() + 1000);
}

function outsideValidity(ref: CertRef, at: Date): string | undefined {
  if (at.getTime() > ref.fields.notAfter.getTime()) return `current time ${at.toISOString()} is after ${ref.fields.notAfter.toISOString()}`;
  if (at.getTime() < ref.fields.notBefore.getTime()) return `current time ${at.toISOString()} is before ${ref.fields.notBefore.toISOString()}`;
  return undefined;
}

function required<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw configError(message);
  return value;
}

function configError(message: string, cause?: unknown): MspError {
  return new MspError('MSP_CONFIG_INVALID', message, cause === undefined ? undefined : { cause });
}
