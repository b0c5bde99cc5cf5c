import { WeftError } from '../errors/weft-error.js';

export type ConfigErrorCode = 'CONFIG_NOT_FOUND' | 'CONFIG_UNREADABLE' | 'CONFIG_INVALID_VALUE';

export class ConfigError extends WeftError<ConfigErrorCode> {}
