/**
 * Calendar dates as `YYYY-MM-DD` strings: zone-free, so they compare correctly as strings and
 * never shift when a process runs in another time zone.
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a valid date, or null (rejects 2026-02-30 and the like). */
export const epochDayOf = (date: string): number | null => {
  const match = DATE_PATTERN.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC silently rolls 2026-02-30 over into March; a round trip exposes it.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return null;
  }
  return ms / MS_PER_DAY;
};

export const isCalendarDate = (date: string): boolean => epochDayOf(date) !== null;

/** Days since 1970-01-01; a malformed date is a caller's bug, so it throws. */
export const requireEpochDay = (date: string): number => {
  const epochDay = epochDayOf(date);
  if (epochDay === null) throw new RangeError(`not a YYYY-MM-DD calendar date: ${JSON.stringify(date)}`);
  return epochDay;
};

const dateOfEpochDay = (epochDay: number): string =>
  new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);

export const addDays = (date: string, n: number): string => dateOfEpochDay(requireEpochDay(date) + n);
