import { epochDayOf } from "../shared/calendar-date.js";
import { appError, err, ok, type Result } from "../shared/result.js";

const invalidFrom = (message: string) =>
  err(
    appError("validation", "validation_failed", "The retirement date is not valid.", {
      errors: [{ path: "from", message }],
    }),
  );

/**
 * A slot is retired from a date that is today (in the doctor's zone, the default) or later: its
 * sittings on or after that date no longer take place, earlier ones stay in history.
 */
export function retirementDate(from: string | undefined, today: string): Result<string> {
  if (from === undefined) return ok(today);
  if (epochDayOf(from) === null) return invalidFrom("must be a calendar date YYYY-MM-DD");
  if (from < today) return invalidFrom(`must not be before today (${today})`);
  return ok(from);
}
