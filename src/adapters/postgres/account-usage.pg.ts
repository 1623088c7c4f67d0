import { type CommonQueryMethods, sql } from "slonik";
import type { AccountUsage } from "../../ports/account-usage.js";
import { countRow } from "./rows.js";
import { earliestLiveDate, sittingEndsAt } from "./slot.repository.pg.js";

/**
 * The first key of an account's advisory lock. Sittings are locked with the two-key form too, as
 * (slot id, day number); slot ids start at 1, so (0, user id) never names a sitting.
 */
const ACCOUNT_LOCK_SPACE = 0;

/** Takes the account's advisory lock until the transaction ends (an SQL expression of type void). */
export const accountLockOf = (userId: number) =>
  sql.fragment`pg_advisory_xact_lock(${ACCOUNT_LOCK_SPACE}::int4, ${userId}::int4)`;

/** The account's booked or arrived appointments whose sitting has not ended at `now` (one row, `n`). */
export const liveAppointmentsOf = (userId: number, now: Date) => sql.fragment`
  SELECT count(*)::int AS n
  FROM patients p
  JOIN appointments a ON a.patient_id = p.id
  JOIN slots s ON s.id = a.slot_id
  JOIN doctors d ON d.id = a.doctor_id
  WHERE p.user_id = ${userId} AND a.status IN ('booked', 'arrived')
    AND a.sitting_date >= ${earliestLiveDate(now)}::date
    AND ${sittingEndsAt(sql.fragment`a.sitting_date`)} > ${sql.timestamp(now)}
`;

export class PgAccountUsage implements AccountUsage {
  constructor(private readonly db: CommonQueryMethods) {}

  async lock(userId: number): Promise<void> {
    await this.db.query(sql.unsafe`SELECT ${accountLockOf(userId)}`);
  }

  patients(userId: number): Promise<number> {
    return this.db.oneFirst(sql.type(countRow)`
      SELECT count(*)::int AS n FROM patients WHERE user_id = ${userId} AND deleted_at IS NULL
    `);
  }

  liveAppointments(userId: number, now: Date): Promise<number> {
    return this.db.oneFirst(sql.type(countRow)`${liveAppointmentsOf(userId, now)}`);
  }

  waitingEntries(userId: number, now: Date): Promise<number> {
    return this.db.oneFirst(sql.type(countRow)`
      SELECT count(*)::int AS n
      FROM patients p
      JOIN waitlist_entries w ON w.patient_id = p.id
      JOIN slots s ON s.id = w.slot_id
      JOIN doctors d ON d.id = s.doctor_id
      WHERE p.user_id = ${userId} AND w.status = 'waiting'
        AND w.sitting_date >= ${earliestLiveDate(now)}::date
        AND ${sittingEndsAt(sql.fragment`w.sitting_date`)} > ${sql.timestamp(now)}
    `);
  }
}
