import { appError, err, ok, type Result } from "../shared/result.js";
import type { AppointmentStatus } from "./appointment.js";

/** A visit can be rated once, by the account that booked it, and only after it happened. */
export const checkRating = (status: AppointmentStatus, alreadyRated: boolean): Result<true> => {
  if (status !== "fulfilled") {
    return err(
      appError("conflict", "not_fulfilled", "Only a visit that took place (fulfilled) can be rated."),
    );
  }
  if (alreadyRated) return err(appError("conflict", "already_rated", "This visit has already been rated."));
  return ok(true);
};

export type ReminderKind = "reminder_24h" | "reminder_2h";

const REMINDER_OFFSETS: readonly { kind: ReminderKind; beforeMs: number }[] = [
  { kind: "reminder_24h", beforeMs: 24 * 3_600_000 },
  { kind: "reminder_2h", beforeMs: 2 * 3_600_000 },
];

/** When to remind a patient of a visit expected at `expected`: 24 h and 2 h before, unless already past. */
export const reminderTimes = (expected: Date, now: Date): { kind: ReminderKind; at: Date }[] =>
  REMINDER_OFFSETS.map(({ kind, beforeMs }) => ({
    kind,
    at: new Date(expected.getTime() - beforeMs),
  })).filter((r) => r.at.getTime() > now.getTime());

/**
 * Who gets a freed seat: the first entry still waiting, skipping patients who meanwhile hold a seat in
 * that sitting (a patient is never seated twice). Entries are in the order they joined.
 */
export const nextInLine = <E extends { patientId: number }>(
  waiting: readonly E[],
  seatedPatients: ReadonlySet<number>,
): E | null => waiting.find((e) => !seatedPatients.has(e.patientId)) ?? null;
