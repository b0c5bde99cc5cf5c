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
  const negative = text.startsWith('-');
  const rest = negative || text.startsWith('+') ? text.slice(1) : text;
  if (rest === '0') return 0n;
  if (rest === '') throw bad();
  let total = 0n;
  for (let at = 0; at < rest.length; ) {
    const parsed = durationPart(rest.slice(at));
    if (parsed === undefined) throw bad();
    total += parsed.ns;
    at += parsed.length;
  }
  return negative ? -total : total;
}

const DURATION_PART = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;

/** One `<number><unit>` of a duration: its nanoseconds and how many characters it took; undefined when it is not one. */
function durationPart(text: string): { ns: bigint; length: number } | undefined {
  const m = DURATION_PART.exec(text);
  const unit = m?.[3];
  if (m === null || unit === undefined) return undefined;
  const whole = m[1] ?? '';
  const frac = m[2] ?? '';
  if (whole === '' && frac === '') return undefined;
  const scale = UNIT_NS[unit] ?? 1n;
  let ns = BigInt(whole === '' ? '0' : whole) * scale;
  if (frac !== '') ns += (BigInt(frac) * scale) / 10n ** BigInt(frac.length);
  return { ns, length: m[0].length };
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
