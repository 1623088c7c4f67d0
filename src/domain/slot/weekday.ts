import { requireEpochDay } from "../shared/calendar-date.js";

export const WEEKDAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;

export type Weekday = (typeof WEEKDAYS)[number];

export const parseWeekday = (s: string): Weekday | null => {
  const wanted = s.trim().toLowerCase();
  return WEEKDAYS.find((day) => day === wanted) ?? null;
};

/** The weekday a calendar date falls on; throws on a malformed date (validate input first). */
export const isoWeekdayOf = (date: string): Weekday => {
  // 1970-01-01 was a Thursday, index 3 from Monday.
  const index = (((requireEpochDay(date) + 3) % 7) + 7) % 7;
  return WEEKDAYS[index] as Weekday;
};
