import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import { APPOINTMENT_STATUSES, type AppointmentStatus } from "../../domain/appointment/appointment.js";
import type {
  AppointmentRecord,
  AppointmentRepository,
  HeldSeat,
  LiveAppointment,
  NewAppointment,
} from "../../ports/appointment.repository.js";
import { earliestLiveDate, sittingEndsAt } from "./slot.repository.pg.js";

const insertedRow = z.object({ id: z.number(), createdAt: z.number().transform((ms) => new Date(ms)) });
const heldSeatRow = z.object({ seat: z.number(), patientId: z.number(), ownerUserId: z.number() });
const liveRow = z.object({ id: z.number(), ownerUserId: z.number(), date: z.string(), seat: z.number() });

const recordRow = z.object({
  id: z.number(),
  status: z.enum(APPOINTMENT_STATUSES),
  patientId: z.number(),
  ownerUserId: z.number(),
  doctorUserId: z.number(),
  slotId: z.number(),
  doctorId: z.number(),
  date: z.string(),
  seat: z.number(),
});

const SELECT_RECORD = sql.fragment`
  SELECT a.id, a.status, a.patient_id AS "patientId", p.user_id AS "ownerUserId", d.user_id AS "doctorUserId",
         a.slot_id AS "slotId", a.doctor_id AS "doctorId", to_char(a.sitting_date, 'YYYY-MM-DD') AS date, a.seat
  FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN doctors d ON d.id = a.doctor_id
`;

export class PgAppointmentRepository implements AppointmentRepository {
  constructor(private readonly db: CommonQueryMethods) {}

  async heldSeats(slotId: number, date: string): Promise<HeldSeat[]> {
    const rows = await this.db.any(sql.type(heldSeatRow)`
      SELECT a.seat, a.patient_id AS "patientId", p.user_id AS "ownerUserId"
      FROM appointments a JOIN patients p ON p.id = a.patient_id
      WHERE a.slot_id = ${slotId} AND a.sitting_date = ${date} AND a.status <> 'cancelled'
    `);
    return [...rows];
  }

  insert(a: NewAppointment): Promise<{ id: number; createdAt: Date }> {
    return this.db.one(sql.type(insertedRow)`
      INSERT INTO appointments (patient_id, slot_id, doctor_id, sitting_date, seat, capacity)
      VALUES (${a.patientId}, ${a.slotId}, ${a.doctorId}, ${a.date}, ${a.seat}, ${a.capacity})
      RETURNING id, created_at AS "createdAt"
    `);
  }

  find(appointmentId: number): Promise<AppointmentRecord | null> {
    return this.db.maybeOne(sql.type(recordRow)`${SELECT_RECORD} WHERE a.id = ${appointmentId}`);
  }

  findForUpdate(appointmentId: number): Promise<AppointmentRecord | null> {
    return this.db.maybeOne(sql.type(recordRow)`
      ${SELECT_RECORD} WHERE a.id = ${appointmentId} FOR UPDATE OF a
    `);
  }

  async setStatus(appointmentId: number, status: AppointmentStatus): Promise<void> {
    await this.db.query(sql.unsafe`
      UPDATE appointments
      SET status = ${status}, cancelled_at = CASE WHEN ${status} = 'cancelled' THEN now() ELSE cancelled_at END,
        calendar_sequence = calendar_sequence + CASE WHEN ${status} = 'cancelled' AND status <> 'cancelled' THEN 1 ELSE 0 END
      WHERE id = ${appointmentId}
    `);
  }

  async liveOfDoctor(doctorId: number, now: Date): Promise<LiveAppointment[]> {
    const rows = await this.db.any(sql.type(liveRow)`
      SELECT a.id, p.user_id AS "ownerUserId", to_char(a.sitting_date, 'YYYY-MM-DD') AS date, a.seat
      FROM appointments a
      JOIN patients p ON p.id = a.patient_id
      JOIN slots s ON s.id = a.slot_id
      JOIN doctors d ON d.id = a.doctor_id
      WHERE a.doctor_id = ${doctorId} AND a.status IN ('booked', 'arrived')
        AND a.sitting_date >= ${earliestLiveDate(now)}::date
        AND ${sittingEndsAt(sql.fragment`a.sitting_date`)} > ${sql.timestamp(now)}
      ORDER BY a.id
    `);
    return [...rows];
  }
}
