import assert from 'node:assert/strict';
import { createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import { MSPPrincipal, MSPRole, SerializedIdentity } from '../../src/common/protos/msp.js';
import { curveOrderOf, encodeEcdsaSignature, parseEcdsaSignature } from '../../src/msp/ecdsa-signature.js';
import { FabricMsp } from '../../src/msp/fabric-msp.js';
import { toPem } from '../../src/msp/pem.js';
import { MspError } from '../../src/msp/msp-error.js';
import { readMspFolder } from '../../src/msp/msp-folder.js';
import { loadSigningIdentity } from '../../src/msp/signing-identity.js';
import { SignedCertificate } from '../../src/msp/signed-certificate.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeIntermediateCa, makeLeaf, makeRootCa, revokeAndMakeCrl, type Ca, type Leaf } from './openssl-pki.js';
import { refusedWith } from '../helpers/refused-with.js';

function serialize(pem: string): Uint8Array {
  const sid = new SerializedIdentity();
  sid.setMspid('TestMSP');
  sid.setIdBytes(Buffer.from(pem));
  return sid.serializeBinary();
}

const expectMspError = (code: string, pattern: RegExp): ((err: unknown) => boolean) => refusedWith(MspError, code, pattern);

const NODE_OUS = (cert: string): string =>
  `NodeOUs:\n  Enable: true\n` +
  ['Client', 'Peer', 'Admin', 'Orderer']
    .map((role) => `  ${role}OUIdentifier:\n    Certificate: ${cert}\n    OrganizationalUnitIdentifier: ${role.toLowerCase()}\n`)
    .join('');

describe('FabricMsp with certificates made by openssl (root, intermediate, CRL)', () => {
  let dir: string;
  let root: Ca;
  let inter: Ca;
  const leaves: Record<string, Leaf> = {};
  let msp: FabricMsp;
  let mspWithoutCrl: FabricMsp;

  /** An MSP folder of root + intermediate, NodeOUs certified by the intermediate; `crl` adds the intermediate's CRL. */
  async function mspFolder(name: string, opts: { crl?: string; admincert?: string; nodeOUs?: boolean } = {}): Promise<string> {
    const folder = join(dir, name);
    for (const sub of ['cacerts', 'intermediatecerts', 'crls', 'admincerts']) await mkdir(join(folder, sub), { recursive: true });
    await copyFile(root.certFile, join(folder, 'cacerts/root.pem'));
    await copyFile(inter.certFile, join(folder, 'intermediatecerts/inter.pem'));
    if (opts.crl !== undefined) await writeFile(join(folder, 'crls/crl.pem'), opts.crl);
    if (opts.admincert !== undefined) await copyFile(opts.admincert, join(folder, 'admincerts/admin.pem'));
    if (opts.nodeOUs !== false) await writeFile(join(folder, 'config.yaml'), NODE_OUS('intermediatecerts/inter.pem'));
    return folder;
  }

  before(async () => {
    dir = await tempDir('weft-msp-openssl-');
    root = await makeRootCa(join(dir, 'root'), '/O=Test/CN=root.test');
    inter = await makeIntermediateCa(root, join(dir, 'inter'), '/O=Test/CN=inter.test');
    const foreign = await makeRootCa(join(dir, 'foreign'), '/O=Other/CN=foreign.test');
    const out = join(dir, 'leaves');
    leaves.client = await makeLeaf(inter, out, 'client', '/O=Test/OU=client/CN=alice');
    leaves.peer = await makeLeaf(inter, out, 'peer', '/O=Test/OU=peer/CN=peer0');
    leaves.admin = await makeLeaf(inter, out, 'admin', '/O=Test/OU=admin/CN=boss');
    leaves.expired = await makeLeaf(inter, out, 'expired', '/O=Test/OU=client/CN=old', { startDate: '20200601000000Z', endDate: '20210101000000Z' });
    leaves.both = await makeLeaf(inter, out, 'both', '/O=Test/OU=client/OU=peer/CN=both');
    leaves.noOu = await makeLeaf(inter, out, 'noOu', '/O=Test/CN=nobody');
    leaves.revoked = await makeLeaf(inter, out, 'revoked', '/O=Test/OU=client/CN=mallory');
    leaves.ed25519 = await makeLeaf(inter, out, 'ed25519', '/O=Test/OU=client/CN=edwards', { keyType: 'ed25519' });
    leaves.byRoot = await makeLeaf(root, out, 'byRoot', '/O=Test/OU=client/CN=direct');
    leaves.foreign = await makeLeaf(foreign, out, 'foreign', '/O=Other/OU=client/CN=eve');
    const crl = await revokeAndMakeCrl(inter, leaves.revoked);
    msp = FabricMsp.fromConfig(await readMspFolder(await mspFolder('msp', { crl }), 'TestMSP'));
    mspWithoutCrl = FabricMsp.fromConfig(await readMspFolder(await mspFolder('msp-no-crl'), 'TestMSP'));
  });

  const identity = (name: string, of = (): FabricMsp => msp) => {
    const leaf = leaves[name];
    assert.ok(leaf, name);
    return of().deserializeIdentity(serialize(leaf.certPem));
  };

  it('validates leaves of the intermediate and classifies them by their OU', () => {
    for (const [name, role] of [['client', 'client'], ['peer', 'peer'], ['admin', 'admin']] as const) {
      const id = identity(name);
      id.validate();
      assert.equal(id.nodeRole(), role);
    }
  });

  it('refuses an expired leaf by its dates, and accepts it when only its issuance is checked, as Fabric does', async () => {
    assert.throws(() => identity('expired').validate(), expectMspError('IDENTITY_EXPIRED', /certificate has expired or is not yet valid: current time .* is after 2021-01-01T00:00:00.000Z/));
    const replay = FabricMsp.fromConfig(await readMspFolder(join(dir, 'msp'), 'TestMSP'), { checkExpiry: false });
    replay.deserializeIdentity(serialize(leaves.expired?.certPem ?? '')).validate();
  });

  it('refuses a leaf of a foreign CA', () => {
    assert.throws(() => identity('foreign').validate(), expectMspError('IDENTITY_UNTRUSTED', /certificate signed by unknown authority/));
  });

  it('refuses a leaf issued by the root above an intermediate: its parent is not a leaf of the CA tree', () => {
    assert.throws(() => identity('byRoot').validate(), expectMspError('IDENTITY_UNTRUSTED', /Parent certificate should be a leaf of the certification tree/));
  });

  it('refuses a revoked leaf when the MSP has the CRL, and only then', () => {
    assert.throws(() => identity('revoked').validate(), expectMspError('IDENTITY_REVOKED', /The certificate has been revoked/));
    identity('revoked', () => mspWithoutCrl).validate();
    identity('client').validate();
  });

  it('refuses a leaf with two NodeOU roles, and one with none', () => {
    assert.throws(() => identity('both').validate(), expectMspError('IDENTITY_OU', /not a combination of them\. OUs: \[client\([0-9A-F]{16}\) peer\([0-9A-F]{16}\)\], MSP: \[TestMSP\]/));
    assert.throws(() => identity('noOu').validate(), expectMspError('IDENTITY_OU', /does not have an OU that resolves to client, peer, orderer, or admin role/));
  });

  it('gives the high-S twin of a certificate the same id and IDENTITY match, as Fabric sanitizes certificates', () => {
    const original = identity('client');
    const der = new Uint8Array(original.certificate.raw);
    // The intermediate signed it: its curve's order.
    const order = curveOrderOf(new X509Certificate(inter.certPem).publicKey) ?? 0n;
    const cert = AsnConvert.parse(der, SignedCertificate);
    const parsed = parseEcdsaSignature(new Uint8Array(cert.signatureValue));
    assert.ok(parsed);
    const flipped = encodeEcdsaSignature(parsed.r, order - parsed.s);
    cert.signatureValue = flipped.buffer;
    const twinDer = new Uint8Array(AsnConvert.serialize(cert));
    const twin = msp.deserializeIdentity(serialize(toPem('CERTIFICATE', twinDer)));
    assert.notDeepEqual(new Uint8Array(twin.certificate.raw), der);
    twin.validate();
    assert.equal(twin.id, original.id);
    const principal = new MSPPrincipal();
    principal.setPrincipalClassification(MSPPrincipal.Classification.IDENTITY);
    principal.setPrincipal(serialize(original.certificate.toString()));
    assert.equal(twin.satisfiesPrincipal(principal), true);
  });

  it('refuses a CA certificate as an identity', () => {
    const id = msp.deserializeIdentity(serialize(inter.certPem));
    assert.throws(() => id.validate(), expectMspError('IDENTITY_UNTRUSTED', /Certificate Authority equals true cannot be used as an identity/));
  });

  it('an invalid identity satisfies no principal', () => {
    const role = new MSPRole();
    role.setMspIdentifier('TestMSP');
    role.setRole(MSPRole.MSPRoleType.MEMBER);
    const principal = new MSPPrincipal();
    principal.setPrincipalClassification(MSPPrincipal.Classification.ROLE);
    principal.setPrincipal(role.serializeBinary());
    assert.equal(identity('client').satisfiesPrincipal(principal), true);
    for (const name of ['expired', 'foreign', 'byRoot', 'revoked', 'both']) assert.equal(identity(name).satisfiesPrincipal(principal), false, name);
  });

  it('signs and verifies with an Ed25519 key (no hash), from any file names', async () => {
    const folder = join(dir, 'ed-signer');
    await mkdir(join(folder, 'signcerts'), { recursive: true });
    await mkdir(join(folder, 'keystore'), { recursive: true });
    await copyFile(leaves.ed25519?.certFile ?? '', join(folder, 'signcerts/edwards@test-cert.pem'));
    await copyFile(leaves.client?.keyFile ?? '', join(folder, 'keystore/another_sk'));
    await copyFile(leaves.ed25519?.keyFile ?? '', join(folder, 'keystore/priv_sk'));
    const signer = await loadSigningIdentity(folder, 'TestMSP');
    const id = msp.deserializeIdentity(signer.serialize());
    id.validate();
    const signature = signer.sign(Buffer.from('payload'));
    assert.equal(signature.length, 64);
    assert.equal(id.verify(Buffer.from('payload'), signature), true);
    assert.equal(id.verify(Buffer.from('payload!'), signature), false);
  });

  it("refuses Ed25519 identities where they are not allowed (a channel without V3_0, as in Fabric 3)", async () => {
    const noEd = FabricMsp.fromConfig(await readMspFolder(join(dir, 'msp'), 'TestMSP'), { allowEd25519: false });
    const key = createPrivateKey(await readFile(leaves.ed25519?.keyFile ?? ''));
    const pem = await readFile(leaves.ed25519?.certFile ?? '', 'utf8');
    const signature = sign(null, Buffer.from('payload'), key);
    const refused = noEd.deserializeIdentity(serialize(pem));
    assert.throws(() => refused.validate(), expectMspError('IDENTITY_UNTRUSTED', /Ed25519 identities need the channel capability V3_0/));
    assert.equal(refused.verify(Buffer.from('payload'), signature), false);
    // With Ed25519 allowed (the default; a V3_0 channel), the same identity and signature are good.
    const allowed = FabricMsp.fromConfig(await readMspFolder(join(dir, 'msp'), 'TestMSP')).deserializeIdentity(serialize(pem));
    allowed.validate();
    assert.equal(allowed.verify(Buffer.from('payload'), signature), true);
  });

  it('refuses MSP configs Fabric refuses', async () => {
    const noAdmins = await mspFolder('no-admins', { nodeOUs: false });
    await assert.rejects(
      (async () => FabricMsp.fromConfig(await readMspFolder(noAdmins, 'TestMSP')))(),
      expectMspError('MSP_CONFIG_INVALID', /MSP TestMSP: administrators must be declared when no admin ou classification is set/),
    );
    const leafAsRoot = join(dir, 'leaf-as-root');
    await mkdir(join(leafAsRoot, 'cacerts'), { recursive: true });
    await copyFile(leaves.client?.certFile ?? '', join(leafAsRoot, 'cacerts/ca.pem'));
    await assert.rejects(
      (async () => FabricMsp.fromConfig(await readMspFolder(leafAsRoot, 'TestMSP')))(),
      expectMspError('MSP_CONFIG_INVALID', /CA Certificate did not have the CA attribute/),
    );
    // Without NodeOUs, admins come from admincerts: the admin must be a valid member.
    const withAdmin = FabricMsp.fromConfig(await readMspFolder(await mspFolder('with-admin', { nodeOUs: false, admincert: leaves.noOu?.certFile ?? '' }), 'TestMSP'));
    assert.equal(withAdmin.nodeOUsEnabled, false);
    const admin = withAdmin.deserializeIdentity(serialize(leaves.noOu?.certPem ?? ''));
    const role = new MSPRole();
    role.setMspIdentifier('TestMSP');
    role.setRole(MSPRole.MSPRoleType.ADMIN);
    const principal = new MSPPrincipal();
    principal.setPrincipal(role.serializeBinary());
    assert.equal(admin.satisfiesPrincipal(principal), true);
    assert.equal(withAdmin.deserializeIdentity(serialize(leaves.client?.certPem ?? '')).satisfiesPrincipal(principal), false);
    await assert.rejects(
      (async () => FabricMsp.fromConfig(await readMspFolder(await mspFolder('bad-admin', { nodeOUs: false, admincert: leaves.foreign?.certFile ?? '' }), 'TestMSP')))(),
      expectMspError('MSP_CONFIG_INVALID', /admin 0 is invalid: .*unknown authority/),
    );
  });

  it('names the path when a signing identity cannot be loaded', async () => {
    const missing = join(dir, 'nowhere');
    await assert.rejects(loadSigningIdentity(missing, 'TestMSP'), expectMspError('MSP_UNREADABLE', /nowhere[/\\]signcerts/));
    const noKey = join(dir, 'no-key');
    await mkdir(join(noKey, 'signcerts'), { recursive: true });
    await mkdir(join(noKey, 'keystore'), { recursive: true });
    await copyFile(leaves.client?.certFile ?? '', join(noKey, 'signcerts/cert.pem'));
    await copyFile(leaves.peer?.keyFile ?? '', join(noKey, 'keystore/priv_sk'));
    await assert.rejects(loadSigningIdentity(noKey, 'TestMSP'), expectMspError('MSP_UNREADABLE', /no private key in .*no-key[/\\]keystore matches the signing certificate/));
  });
});
