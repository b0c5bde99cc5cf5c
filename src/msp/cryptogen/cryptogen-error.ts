import { WeftError } from '../../common/errors/weft-error.js';

/**
 * Why crypto material could not be generated. CONFIG_UNREADABLE: the file cannot be read or is not
 * YAML; CONFIG_INVALID: a key is missing or of the wrong kind (the message names file and key);
 * TEMPLATE_INVALID: a `{{...}}` template cannot be rendered; OUTPUT_UNWRITABLE: the output folder
 * cannot be written.
 */
export class CryptogenError extends WeftError<'CONFIG_UNREADABLE' | 'CONFIG_INVALID' | 'TEMPLATE_INVALID' | 'OUTPUT_UNWRITABLE'> {}
