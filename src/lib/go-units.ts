// Human-readable sizes and durations with go-units' exact rules (HumanSize, BytesSize, HumanDuration,
// RAMInBytes), plus Go's time.ParseDuration. Pure; shared by the CLI and the daemon (ps Status text); unit-tested in test/unit/cli/units.test.ts.

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/** Go's %.{p}g without exponent for the ranges go-units produces (< 1024 after scaling). */
function fmtG(x: number, precision: number): string {
  if (x === 0) return '0';
  const s = x.toPrecision(precision);
  if (s.includes('e')) return String(Number(s));
  return String(Number(s));
}

function customSize(size: number, base: number, units: string[], precision: number): string {
  let i = 0;
  while (size >= base && i < units.length - 1) { size /= base; i++; }
  return fmtG(size, precision) + units[i];
}

/** go-units HumanSize: decimal units, 4 significant digits ("4.26MB", "1.2kB", "0B"). */
export function humanSize(bytes: number): string { return customSize(bytes, 1000, DECIMAL, 4); }

/** go-units HumanSizeWithPrecision. */
export function humanSizeWithPrecision(bytes: number, precision: number): string {
  return customSize(bytes, 1000, DECIMAL, precision);
}

/** go-units BytesSize: binary units ("1.944MiB"). */
export function bytesSize(bytes: number): string { return customSize(bytes, 1024, BINARY, 4); }

/** go-units HumanDuration ("Less than a second", "About a minute", "2 hours", "3 weeks"). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hoursF = ms / 3600000;
  const hours = Math.trunc(hoursF + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(hoursF / 24 / 365)} years`;
}

const RAM_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** go-units RAMInBytes: "512m", "1g", "100", "1.5GiB" → bytes (binary multipliers). */
export function ramInBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(s);
  if (!m) throw new Error(`invalid size: '${s}'`);
  const n = parseFloat(m[1]!);
  return Math.trunc(n * RAM_UNITS[(m[2] ?? '').toLowerCase()]!);
}

const DUR_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration → nanoseconds ("1h30m", "500ms", "-1.5s", "0"). */
export function parseGoDuration(s: string): number {
  const orig = s;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) { if (s[0] === '-') sign = -1; s = s.slice(1); }
  if (s === '0') return 0;
  if (s === '') throw new Error(`time: invalid duration "${orig}"`);
  let total = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (s.length) {
    const m = re.exec(s);
    if (!m) {
      if (/^(\d+(?:\.\d*)?|\.\d+)$/.test(s)) throw new Error(`time: missing unit in duration "${orig}"`);
      throw new Error(`time: invalid duration "${orig}"`);
    }
    total += parseFloat(m[1]!) * DUR_UNITS[m[2]!]!;
    s = s.slice(m[0].length);
  }
  return sign * Math.round(total);
}

/** Go's Duration.String() for whole-ish values ("10s", "1m30s", "500ms", "0s"). */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let n = Math.abs(ns);
  let out: string;
  if (n < 1e9) {
    if (n < 1e3) out = `${n}ns`;
    else if (n < 1e6) out = `${trimFloat(n / 1e3)}µs`;
    else out = `${trimFloat(n / 1e6)}ms`;
  } else {
    const h = Math.floor(n / 3600e9); n -= h * 3600e9;
    const m = Math.floor(n / 60e9); n -= m * 60e9;
    const sec = trimFloat(n / 1e9);
    out = (h ? `${h}h` : '') + (h || m ? `${m}m` : '') + `${sec}s`;
  }
  return (neg ? '-' : '') + out;
}

function trimFloat(x: number): string { return String(Number(x.toFixed(9))); }

/**
 * docker's timetypes.GetTimestamp: a duration ("10m") means now minus it; RFC3339 dates and date-times as given;
 * unix seconds pass through. Returns Go's "%d.%09d" seconds string (or the given number string).
 */
export function getTimestamp(value: string, nowMs: number = Date.now()): string {
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  let ms: number | undefined;
  try {
    const ns = parseGoDuration(value);
    ms = nowMs - ns / 1e6;
  } catch { /* not a duration */ }
  if (ms === undefined) {
    let v = value;
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) v += 'T00:00:00';
    // Go treats timestamps without zone as local time; JS Date.parse of "YYYY-MM-DDTHH:MM:SS" does too.
    const parsed = Date.parse(v);
    if (Number.isNaN(parsed)) throw new Error(`invalid value for "since": failed to parse value as time or duration: "${value}"`);
    ms = parsed;
  }
  const secs = Math.floor(ms / 1000);
  const nanos = Math.round((ms - secs * 1000) * 1e6);
  return `${secs}.${String(nanos).padStart(9, '0')}`;
}
