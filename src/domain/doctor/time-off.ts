import { epochDayOf } from "../shared/calendar-date.js";
import { appError, err, type FieldError, ok, type Result } from "../shared/result.js";

/** At most this many dates (inclusive) in one time off. */
const TIME_OFF_MAX_DAYS = 366;

/** Dates (inclusive, in the doctor's zone) on which none of the doctor's sittings take place. */
export interface TimeOff {
  readonly id: number;
  readonly doctorId: number;
  readonly from: string;
  readonly to: string;
  /** Null when the doctor gave none: closed sittings then say "doctor unavailable". */
  readonly reason: string | null;
}

export type TimeOffPlan = Omit<TimeOff, "id" | "doctorId">;

const invalid = (errors: FieldError[]) =>
  err(appError("validation", "validation_failed", "The time off is not valid.", { errors }));

/** A time off may start today (in the doctor's zone) but not before, and spans at most 366 dates. */
export function planTimeOff(
  input: { from: string; to: string; reason?: string | null | undefined },
  today: string,
): Result<TimeOffPlan> {
  const [from, to] = [epochDayOf(input.from), epochDayOf(input.to)];
  const errors: FieldError[] = [];
  if (from === null) errors.push({ path: "from", message: "must be a calendar date YYYY-MM-DD" });
  if (to === null) errors.push({ path: "to", message: "must be a calendar date YYYY-MM-DD" });
  if (from !== null && to !== null) {
    if (input.from < today) errors.push({ path: "from", message: `must not be before today (${today})` });
    if (to < from) errors.push({ path: "to", message: "must not be before from" });
    else if (to - from + 1 > TIME_OFF_MAX_DAYS) {
      errors.push({ path: "to", message: `must be within ${TIME_OFF_MAX_DAYS} days of from` });
    }
  }
  if (errors.length > 0) return invalid(errors);
  return ok({ from: input.from, to: input.to, reason: input.reason ?? null });
}
