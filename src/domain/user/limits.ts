import { appError, err, ok, type Result } from "../shared/result.js";

/**
 * How much one account (or one doctor) may hold at a time, so that nobody can book out a sitting, hoard
 * appointments or fill the tables. Each is a setting (config.ts); going past one answers 409
 * `limit_reached`, the detail naming the limit.
 */
export interface Limits {
  readonly patientsPerAccount: number;
  /** Booked or arrived appointments whose sitting has not ended yet. */
  readonly liveAppointmentsPerAccount: number;
  /** Patients an account holds a seat for, or waits for one for, in one sitting. */
  readonly seatsPerSittingPerAccount: number;
  /** Waiting entries for sittings that have not ended yet. */
  readonly waitingEntriesPerAccount: number;
  readonly slotsPerDoctor: number;
}

export type LimitName = keyof Limits;

export const DEFAULT_LIMITS: Limits = {
  patientsPerAccount: 10,
  liveAppointmentsPerAccount: 10,
  seatsPerSittingPerAccount: 3,
  waitingEntriesPerAccount: 10,
  slotsPerDoctor: 50,
};

const WHAT: Record<LimitName, string> = {
  patientsPerAccount: "patients per account",
  liveAppointmentsPerAccount: "live appointments (booked or arrived, sitting not ended) per account",
  seatsPerSittingPerAccount: "seats per account in one sitting, held or waited for",
  waitingEntriesPerAccount: "waiting entries per account",
  slotsPerDoctor: "slots per doctor",
};

export const limitReached = (limits: Limits, name: LimitName) =>
  appError("conflict", "limit_reached", `Limit reached: at most ${limits[name]} ${WHAT[name]}.`);

/** Whether there is room for one more, given how many are `used` already. */
export const roomForOneMore = (limits: Limits, name: LimitName, used: number): Result<void> =>
  used < limits[name] ? ok(undefined) : err(limitReached(limits, name));

/** A patient in a sitting: holding a seat there or waiting for one. */
export interface Place {
  readonly patientId: number;
  readonly ownerUserId: number;
}

/**
 * Whether account `userId` may take one more place (a seat or a waiting entry) in a sitting for
 * `patientId`. A waiting entry counts as the seat it may become, so seats handed over from the waitlist
 * never take an account past the limit; a patient already holding or waiting for a place there is not
 * counted twice.
 */
export function roomInSitting(
  limits: Limits,
  userId: number,
  places: readonly Place[],
  patientId: number,
): Result<void> {
  const patients = new Set(places.filter((p) => p.ownerUserId === userId).map((p) => p.patientId));
  if (patients.has(patientId)) return ok(undefined);
  return roomForOneMore(limits, "seatsPerSittingPerAccount", patients.size);
}
