import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import type { Slot, SlotPlan } from "../../domain/slot/slot.js";
import { WEEKDAYS } from "../../domain/slot/weekday.js";
import type { SlotRepository } from "../../ports/slot.repository.js";

export const slotRow = z.object({
  id: z.number(),
  doctorId: z.number(),
  day: z.enum(WEEKDAYS),
  startMinute: z.number(),
  appointmentDuration: z.number(),
  numSlots: z.number(),
  consultationFee: z.number(),
});

export const SLOT_COLUMNS = sql.fragment`
  s.id, s.doctor_id AS "doctorId", s.day, s.start_minute AS "startMinute",
  s.appointment_duration AS "appointmentDuration", s.num_slots AS "numSlots", s.consultation_fee AS "consultationFee"
`;

const slotWithTimeZoneRow = slotRow.extend({ timeZone: z.string(), doctorName: z.string() });

export class PgSlotRepository implements SlotRepository {
  constructor(private readonly db: CommonQueryMethods) {}

  async listByDoctor(doctorId: number): Promise<Slot[]> {
    return [
      ...(await this.db.any(sql.type(slotRow)`
        SELECT ${SLOT_COLUMNS} FROM slots s WHERE s.doctor_id = ${doctorId} ORDER BY s.id
      `)),
    ];
  }

  insert(doctorId: number, plan: SlotPlan): Promise<Slot> {
    return this.db.one(sql.type(slotRow)`
      INSERT INTO slots AS s (doctor_id, day, start_minute, appointment_duration, num_slots, consultation_fee)
      VALUES (${doctorId}, ${plan.day}, ${plan.startMinute}, ${plan.appointmentDuration}, ${plan.numSlots},
              ${plan.consultationFee})
      RETURNING ${SLOT_COLUMNS}
    `);
  }

  async findWithTimeZone(
    slotId: number,
  ): Promise<{ slot: Slot; timeZone: string; doctorName: string } | null> {
    const row = await this.db.maybeOne(sql.type(slotWithTimeZoneRow)`
      SELECT ${SLOT_COLUMNS}, d.timezone AS "timeZone", u.name AS "doctorName"
      FROM slots s JOIN doctors d ON d.id = s.doctor_id JOIN users u ON u.id = d.user_id
      WHERE s.id = ${slotId}
    `);
    if (!row) return null;
    const { timeZone, doctorName, ...slot } = row;
    return { slot, timeZone, doctorName };
  }
}
