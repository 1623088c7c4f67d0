import { requireEpochDay } from "../shared/calendar-date.js";

export { addDays } from "../shared/calendar-date.js";

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/**
 * Formatters are costly to build and are pure given the zone, so one per zone is kept.
 * `h23` avoids the "24:00" that `hour12: false` gives for midnight on some ICU versions.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const wallClockOf = (instant: Date, timeZone: string): WallClock => {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? Number.NaN,
    month: parts.month ?? Number.NaN,
    day: parts.day ?? Number.NaN,
    hour: parts.hour ?? Number.NaN,
    minute: parts.minute ?? Number.NaN,
    second: parts.second ?? Number.NaN,
  };
};

/** How far the zone's wall clock is ahead of UTC at that instant, in ms. */
const offsetAt = (epochMs: number, timeZone: string): number => {
  const wall = wallClockOf(new Date(epochMs), timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
};

/**
 * The runtime's canonical spelling of an IANA zone name that Intl knows ("asia/karachi" →
 * "Asia/Karachi"; links such as US/Eastern included), or null if unknown. Offset strings like "+05:00"
 * are refused even where the runtime accepts them: they have no DST rules.
 */
export const canonicalTimeZone = (timeZone: string): string | null => {
  if (!/^[A-Za-z]/.test(timeZone)) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
};

/**
 * The instant at which the wall clock in `timeZone` shows `minuteOfDay` minutes after midnight of `date`.
 * `minuteOfDay` may be 1440 (midnight at the end of the day). Disambiguation follows Temporal's
 * "compatible": a time skipped by a spring-forward gap is moved forward by the gap's length
 * (02:30 in New York on 2026-03-08 → 03:30 EDT); a time repeated by a fall-back is the earlier one.
 */
export const zonedInstant = (date: string, minuteOfDay: number, timeZone: string): Date => {
  const wallAsUtc = requireEpochDay(date) * MS_PER_DAY + minuteOfDay * MS_PER_MINUTE;
  // Offsets a day either side bracket any transition near this wall time (zones change at most once a day).
  const offsetBefore = offsetAt(wallAsUtc - MS_PER_DAY, timeZone);
  const offsetAfter = offsetAt(wallAsUtc + MS_PER_DAY, timeZone);
  const candidates = [offsetBefore, offsetAfter]
    .map((offset) => wallAsUtc - offset)
    .filter((instant) => instant + offsetAt(instant, timeZone) === wallAsUtc);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // In a gap: read the wall time with the offset in force before the gap, which lands after it.
  return new Date(wallAsUtc - offsetBefore);
};

const pad2 = (n: number) => String(n).padStart(2, "0");

/** The calendar date in `timeZone` at that instant. */
export const localDateOf = (instant: Date, timeZone: string): string => {
  const wall = wallClockOf(instant, timeZone);
  return `${String(wall.year).padStart(4, "0")}-${pad2(wall.month)}-${pad2(wall.day)}`;
};

/** The wall-clock time `HH:MM` in `timeZone` at that instant (never "24:00"). */
export const localClockOf = (instant: Date, timeZone: string): string => {
  const wall = wallClockOf(instant, timeZone);
  return `${pad2(wall.hour)}:${pad2(wall.minute)}`;
};
