import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import type { PatientInput, PatientRecord, PatientRepository } from "../../ports/patient.repository.js";

export const patientRow = z.object({
  id: z.number(),
  userId: z.number(),
  name: z.string(),
  age: z.number(),
  gender: z.enum(["male", "female", "other"]),
  symptoms: z.string().nullable(),
});

export const PATIENT_COLUMNS = sql.fragment`p.id, p.user_id AS "userId", p.name, p.age, p.gender, p.symptoms`;

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
    return this.db.maybeOne(sql.type(patientRow)`
      SELECT ${PATIENT_COLUMNS} FROM patients p WHERE p.id = ${patientId} AND p.user_id = ${userId}
    `);
  }
}
