/** Weft's version; system chaincodes run as this version. Kept equal to package.json's by a test. */
export const WEFT_VERSION = '0.1.0';
