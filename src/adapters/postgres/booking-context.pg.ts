import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import type { BookingContext, BookingContextReader } from "../../ports/booking-context.js";
import { accountLockOf } from "./account-usage.pg.js";
import { ownedPatient, patientRow } from "./patient.repository.pg.js";
import { sittingLockOf } from "./sitting-book.repository.pg.js";
import { slotWithDoctorOf, slotWithDoctorShared, slotWithTimeZoneRow } from "./slot.repository.pg.js";

const contextRow = z.object({
  patient: patientRow.nullable(),
  slot: slotWithTimeZoneRow.nullable(),
  sittingLocked: z.boolean(),
});

/** `YYYY-MM-DD` naming a day of the calendar (PostgreSQL's `::date` would fail on anything else). */
const isCalendarDate = (date: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const day = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === date;
};

/**
 * One statement, in ADR 0008's lock order, each CTE waiting for the one before (they are materialized,
 * and each is read by the next): the account's lock (`PgAccountUsage.lock`), the slot with its doctor's row
 * shared (`PgSlotRepository.findWithTimeZone`, its `FOR SHARE OF d` included), then, when asked, the
 * sitting's lock, which `lockAndLoad` then does not take again. The patient (`PgPatientRepository.findOwned`)
 * is read beside them.
 * In READ COMMITTED the statement's snapshot is taken when it starts, and a lock wait inside it does not
 * refresh it: the patient may be stale (another transaction of the account, holding its lock, may have
 * deleted it meanwhile), so it only answers the early 404; the booking decides on the patient and the
 * account's live appointments read by `lockAndLoadWithAccount`, a later statement. The doctor's row is
 * read in its latest version (a row lock rechecks it); the slot's capacity and fee are read again by
 * `lockAndLoad`.
 * Rows travel as JSON; every column is a number, a string, a boolean or null, so the row schemas parse
 * them as they parse the rows of the separate queries.
 */
export class PgBookingContextReader implements BookingContextReader {
  constructor(private readonly db: CommonQueryMethods) {}

  async read(request: {
    userId: number;
    patientId: number;
    slotId: number;
    lockSitting?: string | undefined;
  }): Promise<BookingContext> {
    const { userId, patientId, slotId } = request;
    const date =
      request.lockSitting !== undefined && isCalendarDate(request.lockSitting) ? request.lockSitting : null;
    // The sitting's lock is computed from the slot's row, so it is taken once that row has been read and
    // its doctor's row locked: the doctor's lock before the sitting's, as everywhere (ADR 0008). The
    // slot's condition on `account_lock` makes the doctor's row wait for the account's lock; the outer
    // query reads `account_lock` too, so the account's lock is taken even when there is no such slot.
    const lock = date === null ? sql.fragment`NULL` : sittingLockOf(sql.fragment`slot.id`, date);
    const afterAccountLock = sql.fragment`(SELECT count(*) FROM account_lock) = 1`;
    const row = await this.db.one(sql.type(contextRow)`
      WITH account_lock AS MATERIALIZED (SELECT ${accountLockOf(userId)} AS locked),
      slot AS MATERIALIZED (${slotWithDoctorShared(slotId, afterAccountLock)}),
      sitting_lock AS MATERIALIZED (SELECT ${lock} AS locked FROM slot WHERE ${date !== null})
      SELECT
        (SELECT to_json(x) FROM (${ownedPatient(patientId, userId)}) x) AS patient,
        (SELECT to_json(slot) FROM slot) AS slot,
        (SELECT count(*)::int FROM sitting_lock) = 1 AS "sittingLocked"
      FROM account_lock
    `);
    return {
      patient: row.patient,
      slot: row.slot && slotWithDoctorOf(row.slot),
      sittingLocked: row.sittingLocked,
    };
  }
}
