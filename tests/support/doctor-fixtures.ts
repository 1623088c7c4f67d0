import { randomUUID } from "node:crypto";
import { type DatabasePool, sql } from "slonik";
import { z } from "zod";

export interface DoctorFixture {
  readonly name: string;
  readonly description?: string;
  readonly timezone?: string;
  readonly image?: string | null;
  /** Patients see verified doctors only; fixtures are verified (as an admin would) unless set false. */
  readonly verified?: boolean;
  /** Catalog names (seeded). */
  readonly specializations?: readonly string[];
  readonly qualifications?: readonly { name: string; year: number; institute?: string }[];
  readonly slots?: readonly {
    day: string;
    startMinute: number;
    duration: number;
    numSlots: number;
    fee: number;
  }[];
}

const id = z.object({ id: z.number() });

/**
 * Inserts a doctor (and its user, with a unique email) straight into the shared test database; returns
 * the doctor id and the user's email so that tests can assert it never leaks. Clean up with `deleteUsers`.
 */
export async function insertDoctor(
  pool: DatabasePool,
  fixture: DoctorFixture,
): Promise<{ doctorId: number; userId: number; email: string }> {
  const email = `fixture-${randomUUID()}@doctorly.test`;
  return pool.transaction(async (tx) => {
    const userId = await tx.oneFirst(sql.type(id)`
      INSERT INTO users (name, email, password_hash, role)
      VALUES (${fixture.name}, ${email}, ${"$argon2id$v=19$fixture-secret-hash"}, 'doctor') RETURNING id`);
    const doctorId = await tx.oneFirst(sql.type(id)`
      INSERT INTO doctors (user_id, description, timezone, image, verified)
      VALUES (${userId}, ${fixture.description ?? ""}, ${fixture.timezone ?? "UTC"}, ${fixture.image ?? null},
              ${fixture.verified ?? true})
      RETURNING id`);
    for (const name of fixture.specializations ?? []) {
      await tx.query(sql.unsafe`
        INSERT INTO doctor_specializations (doctor_id, specialization_id)
        SELECT ${doctorId}, id FROM specializations WHERE name = ${name}`);
    }
    for (const q of fixture.qualifications ?? []) {
      await tx.query(sql.unsafe`
        INSERT INTO doctor_qualifications (doctor_id, qualification_id, procurement_year, institute_name)
        SELECT ${doctorId}, id, make_date(${q.year}, 1, 1), ${q.institute ?? "Fixture College"}
        FROM qualifications WHERE name = ${q.name}`);
    }
    for (const s of fixture.slots ?? []) {
      await addSlot(tx, doctorId, s);
    }
    return { doctorId, userId, email };
  });
}

export async function addSlot(
  db: Pick<DatabasePool, "query">,
  doctorId: number,
  s: { day: string; startMinute: number; duration: number; numSlots: number; fee: number },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO slots (doctor_id, day, start_minute, appointment_duration, num_slots, consultation_fee)
    VALUES (${doctorId}, ${s.day}, ${s.startMinute}, ${s.duration}, ${s.numSlots}, ${s.fee})`);
}

/** Deletes fixture users; their doctors, slots and appointments go with them (ON DELETE CASCADE). */
export async function deleteUsers(pool: DatabasePool, userIds: readonly number[]): Promise<void> {
  if (userIds.length === 0) return;
  await pool.query(sql.unsafe`DELETE FROM users WHERE id = ANY(${sql.array([...userIds], "int4")})`);
}
