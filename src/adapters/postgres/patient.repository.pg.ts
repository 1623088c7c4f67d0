import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import {
  ERASED_PATIENT_NAME,
  ERASED_PATIENT_NOTICE,
  type PatientChange,
  type PatientInput,
  type PatientRecord,
  type PatientRepository,
} from "../../ports/patient.repository.js";
import { idRow } from "./rows.js";

export const patientRow = z.object({
  id: z.number(),
  userId: z.number(),
  name: z.string(),
  age: z.number(),
  gender: z.enum(["male", "female", "other"]),
  symptoms: z.string().nullable(),
});

export const PATIENT_COLUMNS = sql.fragment`p.id, p.user_id AS "userId", p.name, p.age, p.gender, p.symptoms`;

/** Patients their owners still see: not deleted. */
export const LIVE_PATIENT = sql.fragment`p.deleted_at IS NULL`;

/** The account's patient `patientId`, if not deleted. */
export const ownedPatient = (patientId: number, userId: number) => sql.fragment`
  SELECT ${PATIENT_COLUMNS} FROM patients p
  WHERE p.id = ${patientId} AND p.user_id = ${userId} AND ${LIVE_PATIENT}
`;

export class PgPatientRepository implements PatientRepository {
  constructor(private readonly db: CommonQueryMethods) {}

  insert(userId: number, input: PatientInput): Promise<PatientRecord> {
    return this.db.one(sql.type(patientRow)`
      INSERT INTO patients AS p (user_id, name, age, gender, symptoms)
      VALUES (${userId}, ${input.name}, ${input.age}, ${input.gender}, ${input.symptoms})
      RETURNING ${PATIENT_COLUMNS}
    `);
  }

  findOwned(patientId: number, userId: number): Promise<PatientRecord | null> {
    return this.db.maybeOne(sql.type(patientRow)`${ownedPatient(patientId, userId)}`);
  }

  updateOwned(patientId: number, userId: number, change: PatientChange): Promise<PatientRecord | null> {
    const sets = [
      change.name === undefined ? null : sql.fragment`name = ${change.name}`,
      change.age === undefined ? null : sql.fragment`age = ${change.age}`,
      change.gender === undefined ? null : sql.fragment`gender = ${change.gender}`,
      change.symptoms === undefined ? null : sql.fragment`symptoms = ${change.symptoms}`,
    ].filter((f) => f !== null);
    // Nothing to set still answers whether the patient is there (the command refuses an empty change).
    const assignments = sets.length > 0 ? sql.join(sets, sql.fragment`, `) : sql.fragment`name = p.name`;
    // The row lock re-checks `deleted_at`: an edit that waited for a delete's commit finds nothing.
    return this.db.maybeOne(sql.type(patientRow)`
      UPDATE patients AS p SET ${assignments}
      WHERE p.id = ${patientId} AND p.user_id = ${userId} AND ${LIVE_PATIENT}
      RETURNING ${PATIENT_COLUMNS}
    `);
  }

  async erase(patientId: number): Promise<void> {
    // The notices about its appointments name it (bookings, reminders): they keep their kind, not the name.
    await this.db.query(sql.unsafe`
      WITH n AS (
        UPDATE notifications SET text = ${ERASED_PATIENT_NOTICE}
        WHERE appointment_id IN (SELECT id FROM appointments WHERE patient_id = ${patientId})
      )
      UPDATE patients SET name = ${ERASED_PATIENT_NAME}, symptoms = NULL, deleted_at = now()
      WHERE id = ${patientId} AND deleted_at IS NULL
    `);
  }

  async idsOwnedBy(userId: number): Promise<number[]> {
    const rows = await this.db.any(sql.type(idRow)`
      SELECT id FROM patients WHERE user_id = ${userId} AND deleted_at IS NULL ORDER BY id
    `);
    return rows.map((r) => r.id);
  }
}
