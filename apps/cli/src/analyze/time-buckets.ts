/**
 * Times as `glossa analyze --time` reads them, and the day, ISO week or month they fall in (UTC).
 */

/** How `--every` buckets times. */
export type Every = 'day' | 'week' | 'month';

/** The choices of `--every`. */
export const EVERY_CHOICES: readonly Every[] = ['day', 'week', 'month'];

const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Epoch values at or above this magnitude are milliseconds, below it seconds (1e11 s is in the year 5138; 1e11 ms is March 1973). */
export const EPOCH_MILLISECONDS_FROM = 1e11;

/**
 * Milliseconds since the epoch of a time value, or undefined when it is not one. Reads ISO 8601 dates and
 * timestamps (`2024-03-05`, `2024-03-05T14:30`, `2024-03-05 14:30:00.123+08:00`, also with `/`), taken as UTC
 * when they carry no offset, and epoch seconds or milliseconds (a number; see {@link EPOCH_MILLISECONDS_FROM}).
 *
 * @param value - The field as read.
 * @returns Milliseconds since 1970-01-01T00:00Z, or undefined.
 * @example
 * ```ts
 * parseTime('2024-03-05T08:00+08:00'); // Date.UTC(2024, 2, 5, 0, 0)
 * parseTime('1709596800');             // Date.UTC(2024, 2, 5)
 * ```
 */
export function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    if (!Number.isFinite(n)) return undefined;
    const ms = Math.abs(n) >= EPOCH_MILLISECONDS_FROM ? n : n * 1000;
    return Math.abs(ms) <= 8.64e15 ? Math.round(ms) : undefined;
  }
  const m = ISO.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  if (month! < 1 || month! > 12 || day! < 1 || hour! > 23 || minute! > 59 || second! > 60) return undefined;
  let ms = Date.UTC(year!, month! - 1, day!, hour, minute, Math.min(second!, 59)) + fraction;
  // Date.UTC rolls 31 February over into March: refuse dates that do not exist.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  const zone = m[8];
  if (zone !== undefined && /^[+-]/.test(zone)) {
    const digits = zone.replace(':', '');
    const offset = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0')) * (zone.startsWith('-') ? -1 : 1);
    ms -= offset * 60_000;
  }
  return ms;
}

/**
 * The ISO 8601 week of a UTC date: weeks start on Monday and belong to the year of their Thursday.
 *
 * @param ms - Milliseconds since the epoch.
 * @returns e.g. `2021-W01`; `2020-W53` for 2021-01-03.
 * @example
 * ```ts
 * isoWeek(Date.UTC(2024, 11, 30)); // '2025-W01'
 * ```
 */
export function isoWeek(ms: number): string {
  const date = new Date(ms);
  const thursday = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - ((date.getUTCDay() + 6) % 7) + 3);
  const weekYear = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(weekYear, 0, 1)) / (7 * 86_400_000));
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
}

/**
 * The period a time falls in, in UTC: `2024-03-05` (day), `2024-W10` (ISO week) or `2024-03` (month).
 * Periods of one kind sort in time order as strings.
 *
 * @param ms - Milliseconds since the epoch.
 * @param every - The bucket size.
 * @returns The period's key.
 * @example
 * ```ts
 * periodOf(Date.UTC(2024, 2, 5), 'month'); // '2024-03'
 * ```
 */
export function periodOf(ms: number, every: Every): string {
  if (every === 'week') return isoWeek(ms);
  const iso = new Date(ms).toISOString();
  const year = iso.startsWith('+') || iso.startsWith('-') ? iso.slice(0, 7) : iso.slice(0, 4);
  const rest = iso.slice(year.length);
  return every === 'month' ? `${year}${rest.slice(0, 3)}` : `${year}${rest.slice(0, 6)}`;
}
