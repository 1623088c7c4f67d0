import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import type { BookingContext, BookingContextReader } from "../../ports/booking-context.js";
import { liveAppointmentsOf } from "./account-usage.pg.js";
import { ownedPatient, patientRow } from "./patient.repository.pg.js";
import { slotWithDoctorOf, slotWithDoctorShared, slotWithTimeZoneRow } from "./slot.repository.pg.js";

const contextRow = z.object({
  patient: patientRow.nullable(),
  slot: slotWithTimeZoneRow.nullable(),
  liveAppointments: z.number(),
});

/**
 * The queries of `PgPatientRepository.findOwned`, `PgSlotRepository.findWithTimeZone` (its `FOR SHARE
 * OF d` included) and `PgAccountUsage.liveAppointments`, as three sub-selects of one statement: one
 * snapshot, taken after the account's lock was granted by the statement before, as each had before.
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
  }): Promise<BookingContext> {
    const { userId, patientId, slotId, now } = request;
    const row = await this.db.one(sql.type(contextRow)`
      SELECT
        (SELECT to_json(x) FROM (${ownedPatient(patientId, userId)}) x) AS patient,
        (SELECT to_json(x) FROM (${slotWithDoctorShared(slotId)}) x) AS slot,
        (SELECT n FROM (${liveAppointmentsOf(userId, now)}) x) AS "liveAppointments"
    `);
    return {
      patient: row.patient,
      slot: row.slot && slotWithDoctorOf(row.slot),
      liveAppointments: row.liveAppointments,
    };
  }
}
