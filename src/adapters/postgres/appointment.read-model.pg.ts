import { type DatabasePool, sql } from "slonik";
import { z } from "zod";
import { APPOINTMENT_STATUSES } from "../../domain/appointment/appointment.js";
import type { AppointmentReadModel, AppointmentRow } from "../../ports/appointment.read-model.js";
import { PATIENT_COLUMNS, patientRow } from "./patient.repository.pg.js";
import { countRow } from "./rows.js";
import { SLOT_COLUMNS, slotRow } from "./slot.repository.pg.js";

export const appointmentRow = z.object({
  id: z.number(),
  status: z.enum(APPOINTMENT_STATUSES),
  date: z.string(),
  seat: z.number(),
  createdAt: z.number().transform((ms) => new Date(ms)),
  doctorName: z.string(),
  timeZone: z.string(),
  patient: patientRow,
  slot: slotRow,
  cancelledBy: z.enum(["patient", "doctor"]).nullable(),
  cancellationReason: z.string().nullable(),
  rescheduledFrom: z.object({ slotId: z.number(), date: z.string(), seat: z.number() }).nullable(),
  calendarSequence: z.number(),
});

export const SELECT_APPOINTMENTS = sql.fragment`
  SELECT a.id, a.status, to_char(a.sitting_date, 'YYYY-MM-DD') AS date, a.seat, a.created_at AS "createdAt",
    u.name AS "doctorName", d.timezone AS "timeZone",
    (SELECT row_to_json(x) FROM (SELECT ${PATIENT_COLUMNS}) x) AS patient,
    (SELECT row_to_json(y) FROM (SELECT ${SLOT_COLUMNS}) y) AS slot,
    a.cancelled_by AS "cancelledBy", a.cancellation_reason AS "cancellationReason",
    CASE WHEN a.rescheduled_from_slot_id IS NOT NULL THEN json_build_object('slotId', a.rescheduled_from_slot_id,
      'date', to_char(a.rescheduled_from_date, 'YYYY-MM-DD'), 'seat', a.rescheduled_from_seat) END AS "rescheduledFrom",
    a.calendar_sequence AS "calendarSequence"
  FROM appointments a
  JOIN patients p ON p.id = a.patient_id
  JOIN slots s ON s.id = a.slot_id
  JOIN doctors d ON d.id = a.doctor_id
  JOIN users u ON u.id = d.user_id
`;

export const toAppointmentRow = (r: z.infer<typeof appointmentRow>): AppointmentRow => ({
  id: r.id,
  status: r.status,
  date: r.date,
  seat: r.seat,
  createdAt: r.createdAt,
  patient: r.patient,
  slot: r.slot,
  doctor: { id: r.slot.doctorId, name: r.doctorName, timeZone: r.timeZone },
  cancelledBy: r.cancelledBy,
  cancellationReason: r.cancellationReason,
  rescheduledFrom: r.rescheduledFrom,
  calendarSequence: r.calendarSequence,
});

export class PgAppointmentReadModel implements AppointmentReadModel {
  constructor(private readonly pool: DatabasePool) {}

  async findById(appointmentId: number): Promise<AppointmentRow | null> {
    const found = await this.pool.maybeOne(
      sql.type(appointmentRow)`${SELECT_APPOINTMENTS} WHERE a.id = ${appointmentId}`,
    );
    return found ? toAppointmentRow(found) : null;
  }

  async findByIds(appointmentIds: readonly number[]): Promise<AppointmentRow[]> {
    if (appointmentIds.length === 0) return [];
    const rows = await this.pool.any(
      sql.type(
        appointmentRow,
      )`${SELECT_APPOINTMENTS} WHERE a.id = ANY(${sql.array([...appointmentIds], "int8")})`,
    );
    return rows.map(toAppointmentRow);
  }

  async historyOfOwner(userId: number, offset: number, limit: number) {
    const [rows, total] = await Promise.all([
      this.pool.any(sql.type(appointmentRow)`
        ${SELECT_APPOINTMENTS}
        WHERE p.user_id = ${userId}
        ORDER BY a.sitting_date DESC, s.start_minute DESC, a.seat DESC, a.id DESC
        LIMIT ${limit} OFFSET ${offset}
      `),
      this.pool.oneFirst(sql.type(countRow)`
        SELECT count(*)::int AS n FROM appointments a JOIN patients p ON p.id = a.patient_id WHERE p.user_id = ${userId}
      `),
    ]);
    return { rows: rows.map(toAppointmentRow), total };
  }
}
