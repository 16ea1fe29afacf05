const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

let cachedDay = Number.NaN;
let cachedDayPrefix = '';

/**
 * `date.toISOString()`, the text of every record's time. Date#toISOString is
 * one of the dearest steps of an append; records of a day share their
 * "YYYY-MM-DDT" prefix, so that part comes from toISOString once per day and
 * the time of day from lookup tables. Invalid dates and years outside
 * 0000-9999 take toISOString itself (which throws for invalid ones, as before).
 */
export function isoTime(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) return date.toISOString();
  const msOfDay = ((ms % DAY_MS) + DAY_MS) % DAY_MS;
  const day = ms - msOfDay;
  if (day !== cachedDay) {
    const full = new Date(day).toISOString();
    if (full.length !== 24) return date.toISOString();
    cachedDay = day;
    cachedDayPrefix = full.slice(0, 11);
  }
  const seconds = Math.floor(msOfDay / 1000);
  const minutes = Math.floor(seconds / 60);
  return `${cachedDayPrefix}${TWO_DIGITS[Math.floor(minutes / 60)]!}:${TWO_DIGITS[minutes % 60]!}:${TWO_DIGITS[seconds % 60]!}.${THREE_DIGITS[msOfDay % 1000]!}Z`;
}
