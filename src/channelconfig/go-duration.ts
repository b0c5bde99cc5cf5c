import { ChannelConfigError } from './channel-config-error.js';

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/**
 * Nanoseconds of a duration written as Go's time.ParseDuration reads it ("100ms", "1m30s", "1.5h"),
 * which is how configtx.yaml's BatchTimeout and etcdraft's TickInterval are given.
 */
export function parseGoDuration(text: string, where: string): bigint {
  const bad = (): ChannelConfigError =>
    new ChannelConfigError('CONFIGTX_INVALID', `${where}: '${text}' is not a duration (e.g. 2s, 100ms, 1m30s)`);
  let rest = text;
  let sign = 1n;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1n;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') throw bad();
  let total = 0n;
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== '') {
    const m = part.exec(rest);
    const unit = m?.[3];
    if (m === null || unit === undefined) throw bad();
    const whole = m[1] ?? '';
    const frac = m[2] ?? '';
    if (whole === '' && frac === '') throw bad();
    const scale = UNIT_NS[unit] ?? 1n;
    total += BigInt(whole === '' ? '0' : whole) * scale;
    if (frac !== '') total += (BigInt(frac) * scale) / 10n ** BigInt(frac.length);
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

/** A duration as Go's time.Duration.String() writes it: configtxgen stores BatchTimeout this way ("2s", "100ms", "1m30s"). */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const negative = ns < 0n;
  const abs = negative ? -ns : ns;
  const sign = negative ? '-' : '';
  if (abs < 1_000n) return `${sign}${abs.toString()}ns`;
  if (abs < 1_000_000n) return `${sign}${fraction(abs, 1_000n)}µs`;
  if (abs < 1_000_000_000n) return `${sign}${fraction(abs, 1_000_000n)}ms`;
  const hours = abs / 3_600_000_000_000n;
  const minutes = (abs / 60_000_000_000n) % 60n;
  const seconds = fraction(abs % 60_000_000_000n, 1_000_000_000n);
  if (hours > 0n) return `${sign}${hours.toString()}h${minutes.toString()}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes.toString()}m${seconds}s`;
  return `${sign}${seconds}s`;
}

// value/unit with the fractional digits Go prints: as many as needed, trailing zeros dropped.
function fraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const rest = value % unit;
  if (rest === 0n) return whole.toString();
  const digits = unit.toString().length - 1;
  return `${whole.toString()}.${rest.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}
