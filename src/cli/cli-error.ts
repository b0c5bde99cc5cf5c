import { WeftError } from '../common/errors/weft-error.js';

/** A command given something it cannot use: a missing file, a bad argument. */
export class CliError extends WeftError<'BAD_INPUT'> {}
