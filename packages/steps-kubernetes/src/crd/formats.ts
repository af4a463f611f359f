import { isIP } from 'node:net';

/**
 * The `format`s the API server checks on strings (others are ignored, as there).
 * Each returns true when the value is well formed.
 */
const STRING_FORMATS: Record<string, (v: string) => boolean> = {
  byte: (v) => /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0,
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)),
  'date-time': (v) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  datetime: (v) => STRING_FORMATS['date-time']!(v),
  duration: (v) => /^([+-]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$/.test(v) || v === '0',
  uuid: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v),
  ipv4: (v) => isIP(v) === 4,
  ipv6: (v) => isIP(v) === 6,
  cidr: (v) => {
    const [ip, bits, extra] = v.split('/');
    const family = isIP(ip ?? '');
    return extra === undefined && family !== 0 && /^\d+$/.test(bits ?? '') && Number(bits) <= (family === 4 ? 32 : 128);
  },
  mac: (v) => /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(v),
  hostname: (v) => v.length <= 253 && v.split('.').every((l) => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/i.test(l)),
  email: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
  uri: (v) => {
    try {
      return new URL(v).protocol.length > 1;
    } catch {
      return false;
    }
  },
};

/** Number formats: integers that must fit. */
const NUMBER_FORMATS: Record<string, (v: number) => boolean> = {
  int32: (v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31,
  int64: (v) => Number.isSafeInteger(v) || Number.isInteger(v),
};

/** False when `value` breaks a known `format`; true for unknown formats. */
export function formatHolds(format: string, value: unknown): boolean {
  if (typeof value === 'string') return STRING_FORMATS[format]?.(value) ?? true;
  if (typeof value === 'number') return NUMBER_FORMATS[format]?.(value) ?? true;
  return true;
}
