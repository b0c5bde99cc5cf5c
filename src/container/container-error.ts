import { WeftError } from '../common/errors/weft-error.js';

export type ContainerErrorCode =
  | 'UNKNOWN_VM_TYPE'
  | 'NOT_REGISTERED'
  | 'ALREADY_RUNNING'
  | 'NOT_FOUND'
  | 'NOT_RUNNING'
  | 'START_FAILED'
  | 'PACKAGE_NOT_FOUND'
  | 'BUILD_FAILED'
  | 'ENGINE_UNAVAILABLE'
  | 'ENGINE_FAILED';

export class ContainerError extends WeftError<ContainerErrorCode> {}

/** A system chaincode name is already in the in-process type registry; Fabric tolerates it. */
export class SysCCRegisteredError extends WeftError<'SYSCC_REGISTERED'> {
  constructor(readonly chaincodeName: string) {
    super('SYSCC_REGISTERED', `${chaincodeName} already registered`);
  }
}
