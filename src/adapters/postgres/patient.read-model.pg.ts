import { type DatabasePool, sql } from "slonik";
import { z } from "zod";
import type { PatientReadModel } from "../../ports/patient.read-model.js";
import type { PatientRecord } from "../../ports/patient.repository.js";
import { LIVE_PATIENT, PATIENT_COLUMNS, patientRow } from "./patient.repository.pg.js";
import { flagRow } from "./rows.js";

const count = z.object({ n: z.number() });

export class PgPatientReadModel implements PatientReadModel {
  constructor(private readonly pool: DatabasePool) {}

  async listOwned(userId: number, offset: number, limit: number) {
    const [rows, total] = await Promise.all([
      this.pool.any(sql.type(patientRow)`
        SELECT ${PATIENT_COLUMNS} FROM patients p WHERE p.user_id = ${userId} AND ${LIVE_PATIENT}
        ORDER BY p.id LIMIT ${limit} OFFSET ${offset}
      `),
      this.pool.oneFirst(
        sql.type(
          count,
        )`SELECT count(*)::int AS n FROM patients p WHERE p.user_id = ${userId} AND ${LIVE_PATIENT}`,
      ),
    ]);
    return { rows: [...rows], total };
  }

  findById(patientId: number): Promise<PatientRecord | null> {
    return this.pool.maybeOne(
      sql.type(
        patientRow,
      )`SELECT ${PATIENT_COLUMNS} FROM patients p WHERE p.id = ${patientId} AND ${LIVE_PATIENT}`,
    );
  }

  hasAppointmentWith(patientId: number, doctorId: number): Promise<boolean> {
    return this.pool.exists(sql.type(flagRow)`
      SELECT 1 AS x FROM appointments
      WHERE patient_id = ${patientId} AND doctor_id = ${doctorId} AND status <> 'cancelled'
    `);
  }

  async listOfDoctor(doctorId: number, offset: number, limit: number) {
    const ofDoctor = sql.fragment`p.id IN (
      SELECT patient_id FROM appointments WHERE doctor_id = ${doctorId} AND status <> 'cancelled')`;
    const [rows, total] = await Promise.all([
      this.pool.any(sql.type(patientRow)`
        SELECT ${PATIENT_COLUMNS} FROM patients p WHERE ${ofDoctor} ORDER BY p.id LIMIT ${limit} OFFSET ${offset}
      `),
      this.pool.oneFirst(sql.type(count)`SELECT count(*)::int AS n FROM patients p WHERE ${ofDoctor}`),
    ]);
    return { rows: [...rows], total };
  }

  findOfAppointment(appointmentId: number, doctorId: number): Promise<PatientRecord | null> {
    return this.pool.maybeOne(sql.type(patientRow)`
      SELECT ${PATIENT_COLUMNS} FROM appointments a JOIN patients p ON p.id = a.patient_id
      WHERE a.id = ${appointmentId} AND a.doctor_id = ${doctorId} AND a.status <> 'cancelled'
    `);
  }
}
