import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import type { Qualification } from "../../domain/doctor/doctor.js";
import type { DoctorRecord, DoctorRepository, ProfileChange } from "../../ports/doctor.repository.js";

const doctorRow = z.object({
  id: z.number(),
  userId: z.number(),
  timeZone: z.string(),
  verified: z.boolean(),
});
const DOCTOR_COLUMNS = sql.fragment`id, user_id AS "userId", timezone AS "timeZone", verified`;
const idRow = z.object({ id: z.number() });

/** What notices call a doctor whose account was erased. */
const FORMER_DOCTOR = "a former doctor";

export class PgDoctorRepository implements DoctorRepository {
  constructor(private readonly db: CommonQueryMethods) {}

  insert(input: { userId: number; description: string; timeZone: string }): Promise<DoctorRecord> {
    return this.db.one(sql.type(doctorRow)`
      INSERT INTO doctors (user_id, description, timezone)
      VALUES (${input.userId}, ${input.description}, ${input.timeZone})
      RETURNING ${DOCTOR_COLUMNS}
    `);
  }

  lockByUserId(userId: number): Promise<DoctorRecord | null> {
    return this.db.maybeOne(sql.type(doctorRow)`
      SELECT ${DOCTOR_COLUMNS} FROM doctors WHERE user_id = ${userId} FOR UPDATE
    `);
  }

  lockById(doctorId: number): Promise<DoctorRecord | null> {
    return this.db.maybeOne(sql.type(doctorRow)`
      SELECT ${DOCTOR_COLUMNS} FROM doctors WHERE id = ${doctorId} FOR UPDATE
    `);
  }

  async erase(doctorId: number): Promise<void> {
    // Reminders to its patients named it: the name goes from them too (before the account is renamed).
    await this.db.query(sql.unsafe`
      WITH named AS (
        UPDATE notifications n SET text = replace(n.text, u.name, ${FORMER_DOCTOR})
        FROM appointments a JOIN doctors d ON d.id = a.doctor_id JOIN users u ON u.id = d.user_id
        WHERE n.appointment_id = a.id AND d.id = ${doctorId} AND strpos(n.text, u.name) > 0
      )
      UPDATE doctors SET verified = false, description = '', image = NULL WHERE id = ${doctorId}
    `);
    // Its calendar feed's URL stops working, as its sessions do.
    await this.db.query(sql.unsafe`DELETE FROM calendar_feeds WHERE doctor_id = ${doctorId}`);
  }

  async setVerified(doctorId: number, verified: boolean): Promise<void> {
    await this.db.query(sql.unsafe`UPDATE doctors SET verified = ${verified} WHERE id = ${doctorId}`);
  }

  async specializationIds(doctorId: number): Promise<number[]> {
    const rows = await this.db.any(sql.type(idRow)`
      SELECT specialization_id AS id FROM doctor_specializations WHERE doctor_id = ${doctorId}
    `);
    return rows.map((r) => r.id);
  }

  async addSpecializations(doctorId: number, specializationIds: readonly number[]): Promise<void> {
    if (specializationIds.length === 0) return;
    await this.db.query(sql.unsafe`
      INSERT INTO doctor_specializations (doctor_id, specialization_id)
      SELECT ${doctorId}, id FROM ${sql.unnest(
        specializationIds.map((id) => [id]),
        ["int4"],
      )} AS t(id)
    `);
  }

  async qualificationIds(doctorId: number): Promise<number[]> {
    const rows = await this.db.any(sql.type(idRow)`
      SELECT qualification_id AS id FROM doctor_qualifications WHERE doctor_id = ${doctorId}
    `);
    return rows.map((r) => r.id);
  }

  async addQualifications(doctorId: number, qualifications: readonly Qualification[]): Promise<void> {
    if (qualifications.length === 0) return;
    await this.db.query(sql.unsafe`
      INSERT INTO doctor_qualifications (doctor_id, qualification_id, procurement_year, institute_name)
      SELECT ${doctorId}, q.id, q.procured, q.institute FROM ${sql.unnest(
        qualifications.map((q) => [q.qualificationId, q.procurementYear, q.instituteName]),
        ["int4", "date", "text"],
      )} AS q(id, procured, institute)
    `);
  }

  async removeSpecialization(doctorId: number, specializationId: number): Promise<boolean> {
    const removed = await this.db.query(sql.unsafe`
      DELETE FROM doctor_specializations
      WHERE doctor_id = ${doctorId} AND specialization_id = ${specializationId}
    `);
    return removed.rowCount > 0;
  }

  async removeQualification(doctorId: number, qualificationId: number): Promise<boolean> {
    const removed = await this.db.query(sql.unsafe`
      DELETE FROM doctor_qualifications WHERE doctor_id = ${doctorId} AND qualification_id = ${qualificationId}
    `);
    return removed.rowCount > 0;
  }

  async updateProfile(doctor: DoctorRecord, change: ProfileChange): Promise<void> {
    if (change.name !== undefined) {
      await this.db.query(sql.unsafe`UPDATE users SET name = ${change.name} WHERE id = ${doctor.userId}`);
    }
    if (change.description !== undefined || change.timeZone !== undefined) {
      await this.db.query(sql.unsafe`
        UPDATE doctors
        SET description = COALESCE(${change.description ?? null}::text, description),
            timezone = COALESCE(${change.timeZone ?? null}::text, timezone)
        WHERE id = ${doctor.id}
      `);
    }
  }
}
