/** What every external builder command gets from the peer's environment, as Fabric passes it. */
export const DEFAULT_PROPAGATE_ENVIRONMENT: readonly string[] = ['LD_LIBRARY_PATH', 'LIBPATH', 'PATH', 'TMPDIR'];

/**
 * The whole environment of an external builder's commands: the variables its configuration names
 * (propagateEnvironment) and Fabric's defaults, each only when the peer has it set. Nothing else of
 * the peer's environment reaches a builder.
 */
export function builderEnv(propagate: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [...propagate, ...DEFAULT_PROPAGATE_ENVIRONMENT]) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
