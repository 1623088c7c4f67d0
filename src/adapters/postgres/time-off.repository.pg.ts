import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import type { TimeOff, TimeOffPlan } from "../../domain/doctor/time-off.js";
import type { TimeOffRepository } from "../../ports/time-off.repository.js";

export const timeOffRow = z.object({
  id: z.number(),
  doctorId: z.number(),
  from: z.string(),
  to: z.string(),
  reason: z.string().nullable(),
});

export const TIME_OFF_COLUMNS = sql.fragment`
  t.id, t.doctor_id AS "doctorId", to_char(t.from_date, 'YYYY-MM-DD') AS "from",
  to_char(t.to_date, 'YYYY-MM-DD') AS "to", t.reason
`;

export class PgTimeOffRepository implements TimeOffRepository {
  constructor(private readonly db: CommonQueryMethods) {}

  add(doctorId: number, plan: TimeOffPlan): Promise<TimeOff> {
    return this.db.one(sql.type(timeOffRow)`
      INSERT INTO time_off AS t (doctor_id, from_date, to_date, reason)
      VALUES (${doctorId}, ${plan.from}, ${plan.to}, ${plan.reason})
      RETURNING ${TIME_OFF_COLUMNS}
    `);
  }

  findOwned(timeOffId: number, doctorId: number): Promise<TimeOff | null> {
    return this.db.maybeOne(sql.type(timeOffRow)`
      SELECT ${TIME_OFF_COLUMNS} FROM time_off t WHERE t.id = ${timeOffId} AND t.doctor_id = ${doctorId}
    `);
  }

  async remove(timeOffId: number): Promise<void> {
    await this.db.query(sql.unsafe`DELETE FROM time_off WHERE id = ${timeOffId}`);
  }
}
