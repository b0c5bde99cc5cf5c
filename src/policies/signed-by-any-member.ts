import { MSPPrincipal, MSPRole, SignaturePolicy, SignaturePolicyEnvelope } from '../common/protos/collection.js';

/**
 * One signature of a member of any of the MSPs (Fabric's SignedByAnyMember): the endorsement
 * policy Fabric 1.x gives a chaincode deployed without one. The MSP IDs are sorted, as Fabric
 * sorts them, so that every peer records the same bytes.
 */
export function signedByAnyMember(mspIds: readonly string[]): SignaturePolicyEnvelope {
  const ids = [...mspIds].sort();
  const principals = ids.map((id) => {
    const role = new MSPRole();
    role.setMspIdentifier(id);
    role.setRole(MSPRole.MSPRoleType.MEMBER);
    const principal = new MSPPrincipal();
    principal.setPrincipalClassification(MSPPrincipal.Classification.ROLE);
    principal.setPrincipal(role.serializeBinary());
    return principal;
  });
  const nOutOf = new SignaturePolicy.NOutOf();
  nOutOf.setN(1);
  nOutOf.setRulesList(
    ids.map((_, i) => {
      const signedBy = new SignaturePolicy();
      signedBy.setSignedBy(i);
      return signedBy;
    }),
  );
  const rule = new SignaturePolicy();
  rule.setNOutOf(nOutOf);
  const envelope = new SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(rule);
  envelope.setIdentitiesList(principals);
  return envelope;
}
