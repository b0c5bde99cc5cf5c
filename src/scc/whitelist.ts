// The words Fabric reads as "on" in chaincode.system.
const ENABLED_WORDS = new Set(['enable', 'true', 'yes']);

/** Is the system chaincode enabled in chaincode.system? Unlisted ones are not. */
export function isWhitelisted(system: Readonly<Record<string, string>>, name: string): boolean {
  const value = system[name];
  return value !== undefined && ENABLED_WORDS.has(value.trim().toLowerCase());
}
