import { CollectionConfigPackage } from '../../common/protos/collection.js';
import { ChaincodeEndorsementInfo, ChaincodeValidationInfo } from '../../common/protos/lifecycle.js';
import { SccError } from '../scc-error.js';
import { readBytes, readInt64, readMetadata, readString, type ReadableState, type Structure } from './state-serializer.js';

/** Where `_lifecycle` keeps definitions (public) and approvals (in each org's implicit collection). */
export const NAMESPACES = 'namespaces';
/** Where an org's implicit collection records the package it approved for each definition. */
export const CHAINCODE_SOURCES = 'chaincode-sources';

const DEFINITION_TYPE = 'ChaincodeDefinition';
const PARAMETERS_TYPE = 'ChaincodeParameters';
const LOCAL_PACKAGE_TYPE = 'ChaincodeLocalPackage';

/** What an organisation approves: everything of a definition but its sequence (Fabric's ChaincodeParameters). */
export interface ChaincodeParameters {
  version: string;
  endorsementPlugin: string;
  initRequired: boolean;
  validationPlugin: string;
  /** A marshalled ApplicationPolicy. */
  validationParameter: Uint8Array;
  /** A marshalled CollectionConfigPackage (empty bytes: no collections). */
  collections: Uint8Array;
}

/** A chaincode definition as `_lifecycle` commits it. */
export interface LifecycleDefinition extends ChaincodeParameters {
  sequence: number;
}

/** The name an approval is kept under in the org's implicit collection: `<chaincode>#<sequence>`. */
export function privateName(chaincode: string, sequence: number): string {
  return `${chaincode}#${sequence}`;
}

function endorsementInfoBytes(p: ChaincodeParameters): Uint8Array {
  const info = new ChaincodeEndorsementInfo();
  info.setVersion(p.version);
  info.setInitRequired(p.initRequired);
  info.setEndorsementPlugin(p.endorsementPlugin);
  return info.serializeBinary();
}

function validationInfoBytes(p: ChaincodeParameters): Uint8Array {
  const info = new ChaincodeValidationInfo();
  info.setValidationPlugin(p.validationPlugin);
  info.setValidationParameter(p.validationParameter);
  return info.serializeBinary();
}

function parameterFields(p: ChaincodeParameters): Structure['fields'] {
  return [
    ['EndorsementInfo', { bytes: endorsementInfoBytes(p) }],
    ['ValidationInfo', { bytes: validationInfoBytes(p) }],
    ['Collections', { bytes: p.collections }],
  ];
}

export function definitionStructure(d: LifecycleDefinition): Structure {
  return { datatype: DEFINITION_TYPE, fields: [['Sequence', { int64: d.sequence }], ...parameterFields(d)] };
}

export function parametersStructure(p: ChaincodeParameters): Structure {
  return { datatype: PARAMETERS_TYPE, fields: parameterFields(p) };
}

export function localPackageStructure(packageId: string): Structure {
  return { datatype: LOCAL_PACKAGE_TYPE, fields: [['PackageID', { string: packageId }]] };
}

/** The committed sequence of a chaincode; 0 when it was never defined. */
export function currentSequence(name: string, state: ReadableState): Promise<number> {
  return readInt64(NAMESPACES, name, 'Sequence', state);
}

async function readParameterFields(name: string, state: ReadableState): Promise<ChaincodeParameters> {
  const endorsement = ChaincodeEndorsementInfo.deserializeBinary(await readBytes(NAMESPACES, name, 'EndorsementInfo', state));
  const validation = ChaincodeValidationInfo.deserializeBinary(await readBytes(NAMESPACES, name, 'ValidationInfo', state));
  return {
    version: endorsement.getVersion(),
    endorsementPlugin: endorsement.getEndorsementPlugin(),
    initRequired: endorsement.getInitRequired(),
    validationPlugin: validation.getValidationPlugin(),
    validationParameter: validation.getValidationParameter_asU8(),
    collections: await readBytes(NAMESPACES, name, 'Collections', state),
  };
}

/** The committed definition of a chaincode; undefined when it has none. */
export async function readDefinition(name: string, state: ReadableState): Promise<LifecycleDefinition | undefined> {
  const metadata = await readMetadata(NAMESPACES, name, state);
  if (metadata === undefined) return undefined;
  if (metadata.getDatatype() !== DEFINITION_TYPE) throw new SccError('BAD_STATE', `not a chaincode type: ${metadata.getDatatype()}`);
  return { sequence: await currentSequence(name, state), ...(await readParameterFields(name, state)) };
}

/** The parameters an org approved under `<chaincode>#<sequence>`; undefined when it approved none. */
export async function readApprovedParameters(name: string, state: ReadableState): Promise<ChaincodeParameters | undefined> {
  const metadata = await readMetadata(NAMESPACES, name, state);
  if (metadata === undefined) return undefined;
  if (metadata.getDatatype() !== PARAMETERS_TYPE) throw new SccError('BAD_STATE', `not a chaincode parameters type: ${metadata.getDatatype()}`);
  return readParameterFields(name, state);
}

/** The package an org approved under `<chaincode>#<sequence>` ('' for none); undefined when nothing is recorded. */
export async function readApprovedPackage(name: string, state: ReadableState): Promise<string | undefined> {
  const metadata = await readMetadata(CHAINCODE_SOURCES, name, state);
  if (metadata === undefined) return undefined;
  if (metadata.getDatatype() !== LOCAL_PACKAGE_TYPE) throw new SccError('BAD_STATE', `not a chaincode local package type: ${metadata.getDatatype()}`);
  return readString(CHAINCODE_SOURCES, name, 'PackageID', state);
}

/** Fabric's comparison of two sets of parameters: the first difference, in its words; undefined when equal. */
export function parametersDiffer(expected: ChaincodeParameters, passed: ChaincodeParameters): string | undefined {
  if (expected.version !== passed.version) return `expected Version '${expected.version}' does not match passed Version '${passed.version}'`;
  if (expected.endorsementPlugin !== passed.endorsementPlugin) {
    return `expected EndorsementPlugin '${expected.endorsementPlugin}' does not match passed EndorsementPlugin '${passed.endorsementPlugin}'`;
  }
  if (expected.initRequired !== passed.initRequired) return `expected InitRequired '${String(expected.initRequired)}' does not match passed InitRequired '${String(passed.initRequired)}'`;
  if (expected.validationPlugin !== passed.validationPlugin) {
    return `expected ValidationPlugin '${expected.validationPlugin}' does not match passed ValidationPlugin '${passed.validationPlugin}'`;
  }
  if (!Buffer.from(expected.validationParameter).equals(passed.validationParameter)) {
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    return `expected ValidationParameter '${hex(expected.validationParameter)}' does not match passed ValidationParameter '${hex(passed.validationParameter)}'`;
  }
  if (!sameCollections(expected.collections, passed.collections)) return 'Collections do not match';
  return undefined;
}

function sameCollections(a: Uint8Array, b: Uint8Array): boolean {
  if (Buffer.from(a).equals(b)) return true;
  // Equal as messages though encoded apart (an empty package marshals to no bytes at all).
  return Buffer.from(CollectionConfigPackage.deserializeBinary(a).serializeBinary()).equals(CollectionConfigPackage.deserializeBinary(b).serializeBinary());
}
