import { isCalendarDate, requireEpochDay } from "../shared/calendar-date.js";
import type { Result } from "../shared/result.js";
import { appError, err, ok } from "../shared/result.js";
import type { Slot } from "../slot/slot.js";
import { slotEndMinute } from "../slot/slot.js";
import { isoWeekdayOf } from "../slot/weekday.js";
import { addDays, localDateOf, zonedInstant } from "./zoned-time.js";

/** One dated occurrence of a weekly Slot; `endsAt − startsAt` is the real elapsed time, DST included. */
export interface Sitting {
  readonly slotId: number;
  readonly date: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly capacity: number;
}

const MS_PER_MINUTE = 60_000;

/**
 * The sitting of `slot` on `date` in the doctor's `timeZone`. Throws if `date` is not the slot's
 * weekday: callers pick dates by weekday, and `checkBookingDate` turns a client's wrong date into a 400.
 */
export const sittingOf = (slot: Slot, date: string, timeZone: string): Sitting => {
  if (isoWeekdayOf(date) !== slot.day) {
    throw new RangeError(`${date} is not a ${slot.day}, the day of slot ${slot.id}`);
  }
  return {
    slotId: slot.id,
    date,
    startsAt: zonedInstant(date, slot.startMinute, timeZone),
    endsAt: zonedInstant(date, slotEndMinute(slot), timeZone),
    capacity: slot.numSlots,
  };
};

/**
 * When the patient in `seat` (1-based) is expected: elapsed minutes from the start, so across a DST
 * change the local clock time shifts with the change rather than repeating or skipping.
 */
export const expectedTime = (sitting: Sitting, slot: Slot, seat: number): Date => {
  if (!Number.isInteger(seat) || seat < 1 || seat > sitting.capacity) {
    throw new RangeError(`seat ${seat} is outside 1..${sitting.capacity}`);
  }
  return new Date(sitting.startsAt.getTime() + (seat - 1) * slot.appointmentDuration * MS_PER_MINUTE);
};

const datesOfSlot = (slot: Slot, from: string, days: number): string[] => {
  const dates: string[] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(from, i);
    if (isoWeekdayOf(date) === slot.day) dates.push(date);
  }
  return dates;
};

/** Where a dated sitting is: the key of its lock. */
export interface SittingPlace {
  readonly slotId: number;
  readonly date: string;
}

/**
 * The one order in which every command takes sitting locks, (slot id, date): two commands that each
 * lock several sittings never wait on each other in a cycle. Negative when `a` is locked first.
 */
export const lockOrder = (a: SittingPlace, b: SittingPlace): number =>
  a.slotId - b.slotId || (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);

/** The dates of `slot`'s sittings from `from` to `to` (inclusive), in order. */
export const slotDatesBetween = (slot: Slot, from: string, to: string): string[] =>
  datesOfSlot(slot, from, requireEpochDay(to) - requireEpochDay(from) + 1);

/** Sittings on the `days` dates starting at `from`, in time order, without those already ended at `now`. */
export const upcomingSittings = (
  slot: Slot,
  timeZone: string,
  window: { readonly from: string; readonly days: number; readonly now: Date },
): Sitting[] =>
  datesOfSlot(slot, window.from, window.days)
    .map((date) => sittingOf(slot, date, timeZone))
    .filter((sitting) => sitting.endsAt.getTime() > window.now.getTime());

const hasStarted = (sitting: Sitting, now: Date) => now.getTime() >= sitting.startsAt.getTime();

/** What a client can do with a sitting: book it (open), wait for it (full), nothing (started, closed). */
export type SittingStatus = "open" | "full" | "started" | "closed";

/** A started sitting is taking place whatever closed it since; `closedReason` as in the sitting book. */
export const sittingStatus = (
  sitting: Sitting,
  booked: number,
  closedReason: string | null,
  now: Date,
): SittingStatus => {
  if (hasStarted(sitting, now)) return "started";
  if (closedReason !== null) return "closed";
  return booked >= sitting.capacity ? "full" : "open";
};

const dateError = (code: string, detail: string, message: string) =>
  err(appError("validation", code, detail, { errors: [{ path: "date", message }] }));

/**
 * Whether a client may book `slot` on `date`: the slot's weekday, not yet started at `now`, and no later
 * than `horizonDays` after today in the doctor's zone (today + horizonDays itself is allowed).
 */
export const checkBookingDate = (
  slot: Slot,
  date: string,
  timeZone: string,
  now: Date,
  horizonDays: number,
): Result<Sitting> => {
  if (!isCalendarDate(date)) {
    return dateError("invalid_date", "The date is not a valid calendar date.", "must be a date YYYY-MM-DD");
  }
  if (isoWeekdayOf(date) !== slot.day) {
    return dateError("wrong_weekday", `The slot sits on ${slot.day}s only.`, `must be a ${slot.day}`);
  }
  const sitting = sittingOf(slot, date, timeZone);
  if (hasStarted(sitting, now)) {
    return dateError(
      "sitting_started",
      "That sitting has already started.",
      "must be a sitting that has not started",
    );
  }
  const lastDate = addDays(localDateOf(now, timeZone), horizonDays);
  if (date > lastDate) {
    return dateError(
      "beyond_horizon",
      `Bookings open ${horizonDays} days ahead; the last bookable date is ${lastDate}.`,
      `must be no later than ${lastDate}`,
    );
  }
  return ok(sitting);
};

/** The dates a booking without a date may use, earliest first: not started, within the horizon. */
export const bookableDates = (slot: Slot, timeZone: string, now: Date, horizonDays: number): string[] =>
  datesOfSlot(slot, localDateOf(now, timeZone), horizonDays + 1).filter(
    (date) => !hasStarted(sittingOf(slot, date, timeZone), now),
  );
