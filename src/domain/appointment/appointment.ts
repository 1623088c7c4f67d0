import type { Result } from "../shared/result.js";
import { appError, err, ok } from "../shared/result.js";
import type { Sitting } from "../sitting/sitting.js";

export const APPOINTMENT_STATUSES = ["booked", "cancelled", "arrived", "fulfilled", "noshow"] as const;

export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export type VisitStatus = "arrived" | "fulfilled" | "noshow";

/** The lowest 1-based seat not in `takenSeats`, so a cancelled seat goes to the next booking; null when full. */
export const lowestFreeSeat = (takenSeats: readonly number[], capacity: number): number | null => {
  const taken = new Set(takenSeats);
  for (let seat = 1; seat <= capacity; seat++) {
    if (!taken.has(seat)) return seat;
  }
  return null;
};

const hasStarted = (sitting: Sitting, now: Date) => now.getTime() >= sitting.startsAt.getTime();

const illegal = (from: AppointmentStatus, to: AppointmentStatus) =>
  err(appError("conflict", "illegal_transition", `An appointment that is ${from} cannot become ${to}.`));

/** A patient may cancel only a booked appointment, and only before its sitting starts. */
export const cancelAppointment = (
  status: AppointmentStatus,
  sitting: Sitting,
  now: Date,
): Result<"cancelled"> => {
  if (status !== "booked") return illegal(status, "cancelled");
  if (hasStarted(sitting, now)) {
    return err(
      appError(
        "conflict",
        "sitting_started",
        "The sitting has already started; it can no longer be cancelled.",
      ),
    );
  }
  return ok("cancelled");
};

/** A doctor may cancel only a booked appointment (with a reason), and only before its sitting ends. */
export const cancelAppointmentByDoctor = (
  status: AppointmentStatus,
  sitting: Sitting,
  now: Date,
): Result<"cancelled"> => {
  if (status !== "booked") return illegal(status, "cancelled");
  if (now.getTime() >= sitting.endsAt.getTime()) {
    return err(
      appError("conflict", "sitting_ended", "The sitting has already ended; it can no longer be cancelled."),
    );
  }
  return ok("cancelled");
};

const VISIT_TRANSITIONS: Readonly<Record<VisitStatus, readonly AppointmentStatus[]>> = {
  arrived: ["booked"],
  fulfilled: ["arrived"],
  noshow: ["booked", "arrived"],
};

/** The doctor records how a visit went: booked → arrived → fulfilled, booked | arrived → noshow. */
export const changeVisitStatus = (
  current: AppointmentStatus,
  to: VisitStatus,
  sitting: Sitting,
  now: Date,
): Result<AppointmentStatus> => {
  if (!VISIT_TRANSITIONS[to].includes(current)) return illegal(current, to);
  if (!hasStarted(sitting, now)) {
    return err(
      appError("conflict", "sitting_not_started", `The sitting has not started yet; it cannot be ${to}.`),
    );
  }
  return ok(to);
};
