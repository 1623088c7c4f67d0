import { type CommonQueryMethods, type FragmentSqlToken, sql } from "slonik";
import { z } from "zod";
import type { Slot, SlotPlan } from "../../domain/slot/slot.js";
import { WEEKDAYS } from "../../domain/slot/weekday.js";
import type { SlotRepository, SlotWithDoctor } from "../../ports/slot.repository.js";

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

/**
 * The instant the sitting on `date` (a date column or value) of slot `s` ends, in the time zone of its
 * doctor `d`: for queries that join `slots s` and `doctors d`.
 */
export const sittingEndsAt = (date: FragmentSqlToken) =>
  sql.fragment`((${date} + (s.start_minute + s.appointment_duration * s.num_slots) * interval '1 minute') AT TIME ZONE d.timezone)`;

/**
 * Dates from which a sitting may still be running at `now`: a sitting ends by the end of its local date,
 * and no time zone is more than 14 hours from UTC. A cheap bound before the exact `sittingEndsAt` test.
 */
export const earliestLiveDate = (now: Date): string =>
  new Date(now.getTime() - 2 * 86_400_000).toISOString().slice(0, 10);

export const slotWithTimeZoneRow = slotRow.extend({
  timeZone: z.string(),
  doctorName: z.string(),
  doctorUserId: z.number(),
  doctorVerified: z.boolean(),
  retiredFrom: z.string().nullable(),
});

/**
 * The slot with its doctor, whose row is shared until the transaction ends (see `findWithTimeZone`).
 * `after`, a condition of the row, can make the row's lock wait for a lock taken first (a sub-select of a
 * CTE that takes it: `PgBookingContextReader`).
 */
export const slotWithDoctorShared = (
  slotId: number,
  after: FragmentSqlToken = sql.fragment`true`,
) => sql.fragment`
  SELECT ${SLOT_COLUMNS}, d.timezone AS "timeZone", u.name AS "doctorName", d.user_id AS "doctorUserId",
         d.verified AS "doctorVerified", to_char(s.retired_from, 'YYYY-MM-DD') AS "retiredFrom"
  FROM slots s JOIN doctors d ON d.id = s.doctor_id JOIN users u ON u.id = d.user_id
  WHERE s.id = ${slotId} AND ${after}
  FOR SHARE OF d
`;

export const slotWithDoctorOf = (row: z.output<typeof slotWithTimeZoneRow>): SlotWithDoctor => {
  const { timeZone, doctorName, doctorUserId, doctorVerified, retiredFrom, ...slot } = row;
  return { slot, timeZone, doctorName, doctorUserId, doctorVerified, retiredFrom };
};

export class PgSlotRepository implements SlotRepository {
  constructor(private readonly db: CommonQueryMethods) {}

  async listByDoctor(doctorId: number): Promise<Slot[]> {
    return [
      ...(await this.db.any(sql.type(slotRow)`
        SELECT ${SLOT_COLUMNS} FROM slots s WHERE s.doctor_id = ${doctorId} AND s.retired_from IS NULL ORDER BY s.id
      `)),
    ];
  }

  async listHoldingSittingsFrom(doctorId: number, date: string): Promise<Slot[]> {
    return [
      ...(await this.db.any(sql.type(slotRow)`
        SELECT ${SLOT_COLUMNS} FROM slots s
        WHERE s.doctor_id = ${doctorId} AND (s.retired_from IS NULL OR s.retired_from > ${date}::date)
        ORDER BY s.id
      `)),
    ];
  }

  lockLive(slotId: number, doctorId: number): Promise<Slot | null> {
    // NO KEY UPDATE: a booking's appointment takes KEY SHARE on its slot (the foreign key) and must not wait.
    return this.db.maybeOne(sql.type(slotRow)`
      SELECT ${SLOT_COLUMNS} FROM slots s
      WHERE s.id = ${slotId} AND s.doctor_id = ${doctorId} AND s.retired_from IS NULL
      FOR NO KEY UPDATE
    `);
  }

  update(slot: Slot): Promise<Slot> {
    return this.db.one(sql.type(slotRow)`
      UPDATE slots AS s SET num_slots = ${slot.numSlots}, consultation_fee = ${slot.consultationFee}
      WHERE s.id = ${slot.id}
      RETURNING ${SLOT_COLUMNS}
    `);
  }

  insert(doctorId: number, plan: SlotPlan): Promise<Slot> {
    return this.db.one(sql.type(slotRow)`
      INSERT INTO slots AS s (doctor_id, day, start_minute, appointment_duration, num_slots, consultation_fee)
      VALUES (${doctorId}, ${plan.day}, ${plan.startMinute}, ${plan.appointmentDuration}, ${plan.numSlots},
              ${plan.consultationFee})
      RETURNING ${SLOT_COLUMNS}
    `);
  }

  async findWithTimeZone(slotId: number): Promise<SlotWithDoctor | null> {
    // The doctor's row shared until the transaction ends: a change of its time zone (which takes it for
    // update, then checks for live appointments) cannot pass a booking made with the old zone. Taken
    // before any sitting's lock, as the doctor's lock is everywhere.
    const row = await this.db.maybeOne(sql.type(slotWithTimeZoneRow)`${slotWithDoctorShared(slotId)}`);
    return row && slotWithDoctorOf(row);
  }

  async retire(slotId: number, from: string): Promise<void> {
    await this.db.query(sql.unsafe`UPDATE slots SET retired_from = ${from} WHERE id = ${slotId}`);
  }
}
