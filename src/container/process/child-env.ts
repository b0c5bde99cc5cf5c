/** Enough of the peer's environment to find and run node and npm. */
const PASSED = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LC_ALL', 'TZ', 'SYSTEMROOT', 'NODE_EXTRA_CA_CERTS']);

/** What `npm run` tells its scripts about its own project (when the peer runs under npm): wrong for the chaincode's npm. */
const NOT_PASSED = new Set(['npm_config_local_prefix', 'npm_config_npm_version', 'npm_config_user_agent']);

/**
 * What a chaincode's processes inherit from the peer's environment: PATH, HOME, temp folders,
 * locale, extra CA certificates, and the user's npm settings (registry, cache, proxies); none of
 * the peer's own CORE_* settings, which would confuse the shim.
 */
export function inheritedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || NOT_PASSED.has(key.toLowerCase())) continue;
    if (PASSED.has(key) || /^npm_config_/i.test(key) || /^(https?|no)_proxy$/i.test(key)) kept[key] = value;
  }
  return kept;
}

/** `KEY=value` lines (the launch config's form) as an environment object; later lines win. */
export function envFromLines(lines: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of lines) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}
