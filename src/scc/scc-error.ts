import { WeftError } from '../common/errors/weft-error.js';

export type SccErrorCode = 'REGISTER_FAILED' | 'NAME_CONFLICT' | 'DEPLOY_FAILED' | 'PLUGIN_LOAD_FAILED' | 'NO_LEDGER' | 'BAD_COLLECTION_CONFIG' | 'BAD_STATE';

export class SccError extends WeftError<SccErrorCode> {}
