import { type CommonQueryMethods, sql } from "slonik";
import type { WaitlistRepository } from "../../ports/waitlist.repository.js";
import { idRow } from "./rows.js";

export class PgWaitlistRepository implements WaitlistRepository {
  constructor(private readonly db: CommonQueryMethods) {}

  add(entry: { slotId: number; date: string; patientId: number }): Promise<{ id: number }> {
    return this.db.one(sql.type(idRow)`
      INSERT INTO waitlist_entries (slot_id, sitting_date, patient_id)
      VALUES (${entry.slotId}, ${entry.date}, ${entry.patientId})
      RETURNING id
    `);
  }

  async markLeft(entryId: number): Promise<void> {
    await this.db.query(sql.unsafe`UPDATE waitlist_entries SET status = 'left' WHERE id = ${entryId}`);
  }
}
