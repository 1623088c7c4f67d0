import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import type { BookingContext, BookingContextReader } from "../../ports/booking-context.js";
import { liveAppointmentsOf } from "./account-usage.pg.js";
import { ownedPatient, patientRow } from "./patient.repository.pg.js";
import { sittingLockOf } from "./sitting-book.repository.pg.js";
import { slotWithDoctorOf, slotWithDoctorShared, slotWithTimeZoneRow } from "./slot.repository.pg.js";

const contextRow = z.object({
  patient: patientRow.nullable(),
  slot: slotWithTimeZoneRow.nullable(),
  liveAppointments: z.number(),
  sittingLocked: z.boolean(),
});

/** `YYYY-MM-DD` naming a day of the calendar (PostgreSQL's `::date` would fail on anything else). */
const isCalendarDate = (date: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const day = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === date;
};

/**
 * The queries of `PgPatientRepository.findOwned`, `PgSlotRepository.findWithTimeZone` (its `FOR SHARE
 * OF d` included) and `PgAccountUsage.liveAppointments`, as sub-selects of one statement: one snapshot,
 * taken after the account's lock was granted by the statement before, as each had before; and, when
 * asked, the sitting's lock, which `lockAndLoad` then does not take again (its reads are a later
 * statement, so they still see everything committed before the lock was granted).
 * Their rows travel as JSON; every column is a number, a string, a boolean or null, so the row schemas
 * parse them as they parse the rows of the separate queries.
 */
export class PgBookingContextReader implements BookingContextReader {
  constructor(private readonly db: CommonQueryMethods) {}

  async read(request: {
    userId: number;
    patientId: number;
    slotId: number;
    now: Date;
    lockSitting?: string | undefined;
  }): Promise<BookingContext> {
    const { userId, patientId, slotId, now } = request;
    const date =
      request.lockSitting !== undefined && isCalendarDate(request.lockSitting) ? request.lockSitting : null;
    // The sitting's lock is computed from the slot's row, so it is taken once that row has been read and
    // its doctor's row locked: the doctor's lock before the sitting's, as everywhere (ADR 0008).
    const lock = date === null ? sql.fragment`NULL` : sittingLockOf(sql.fragment`slot.id`, date);
    const row = await this.db.one(sql.type(contextRow)`
      WITH slot AS MATERIALIZED (${slotWithDoctorShared(slotId)}),
      sitting_lock AS MATERIALIZED (SELECT ${lock} AS locked FROM slot WHERE ${date !== null})
      SELECT
        (SELECT to_json(x) FROM (${ownedPatient(patientId, userId)}) x) AS patient,
        (SELECT to_json(slot) FROM slot) AS slot,
        (SELECT n FROM (${liveAppointmentsOf(userId, now)}) x) AS "liveAppointments",
        (SELECT count(*)::int FROM sitting_lock) = 1 AS "sittingLocked"
    `);
    return {
      patient: row.patient,
      slot: row.slot && slotWithDoctorOf(row.slot),
      liveAppointments: row.liveAppointments,
      sittingLocked: row.sittingLocked,
    };
  }
}
