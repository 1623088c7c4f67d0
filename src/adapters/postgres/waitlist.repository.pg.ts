import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import type { WaitingEntry, WaitlistRepository } from "../../ports/waitlist.repository.js";
import { countRow, idRow } from "./rows.js";

const entryRow = z.object({ id: z.number(), patientId: z.number(), ownerUserId: z.number() });

const entryForUpdateRow = entryRow.extend({
  slotId: z.number(),
  date: z.string(),
  status: z.enum(["waiting", "booked", "left"]),
});

export class PgWaitlistRepository implements WaitlistRepository {
  constructor(private readonly db: CommonQueryMethods) {}

  add(entry: { slotId: number; date: string; patientId: number }): Promise<{ id: number }> {
    return this.db.one(sql.type(idRow)`
      INSERT INTO waitlist_entries (slot_id, sitting_date, patient_id)
      VALUES (${entry.slotId}, ${entry.date}, ${entry.patientId})
      RETURNING id
    `);
  }

  position(entryId: number): Promise<number> {
    return this.db.oneFirst(sql.type(countRow)`
      SELECT count(*)::int AS n FROM waitlist_entries w
      JOIN waitlist_entries me ON me.id = ${entryId}
      WHERE w.slot_id = me.slot_id AND w.sitting_date = me.sitting_date AND w.status = 'waiting' AND w.id <= me.id
    `);
  }

  async waiting(slotId: number, date: string): Promise<WaitingEntry[]> {
    const rows = await this.db.any(sql.type(entryRow)`
      SELECT w.id, w.patient_id AS "patientId", p.user_id AS "ownerUserId"
      FROM waitlist_entries w JOIN patients p ON p.id = w.patient_id
      WHERE w.slot_id = ${slotId} AND w.sitting_date = ${date} AND w.status = 'waiting'
      ORDER BY w.id
    `);
    return [...rows];
  }

  async markBooked(entryId: number, appointmentId: number): Promise<void> {
    await this.db.query(sql.unsafe`
      UPDATE waitlist_entries SET status = 'booked', appointment_id = ${appointmentId} WHERE id = ${entryId}
    `);
  }

  findForUpdate(entryId: number) {
    return this.db.maybeOne(sql.type(entryForUpdateRow)`
      SELECT w.id, w.patient_id AS "patientId", p.user_id AS "ownerUserId", w.slot_id AS "slotId",
             to_char(w.sitting_date, 'YYYY-MM-DD') AS date, w.status
      FROM waitlist_entries w JOIN patients p ON p.id = w.patient_id
      WHERE w.id = ${entryId}
      FOR UPDATE OF w
    `);
  }

  async markLeft(entryId: number): Promise<void> {
    await this.db.query(sql.unsafe`UPDATE waitlist_entries SET status = 'left' WHERE id = ${entryId}`);
  }
}
