import { randomBytes, randomUUID } from "node:crypto";
import { type DatabasePool, sql } from "slonik";
import { z } from "zod";
import type { AppointmentRow } from "../../src/ports/appointment.read-model.js";

const id = z.object({ id: z.number() });

/** Rows made directly in SQL for adapter tests; e2e tests go through the API instead. */
export async function insertUser(
  pool: DatabasePool,
  role: "user" | "doctor" | "admin" = "user",
): Promise<number> {
  return pool.oneFirst(sql.type(id)`
    INSERT INTO users (name, email, password_hash, role)
    VALUES (${`Test ${role}`}, ${`${randomUUID()}@fixture.test`}, 'not-a-real-hash', ${role})
    RETURNING id
  `);
}

/** A doctor as patients see it: verified, as an admin would have done (`verified = false` for one waiting). */
export async function insertDoctor(
  pool: DatabasePool,
  timeZone = "UTC",
  name = "Fixture Doctor",
  verified = true,
): Promise<{ userId: number; doctorId: number }> {
  const { userId, doctorId } = await insertDoctorFixture(pool, {
    name,
    description: "fixture",
    timezone: timeZone,
    verified,
  });
  return { userId, doctorId };
}

export async function insertPatient(
  pool: DatabasePool,
  userId: number,
  name = "Fixture Patient",
): Promise<number> {
  return pool.oneFirst(sql.type(id)`
    INSERT INTO patients (user_id, name, age, gender) VALUES (${userId}, ${name}, 30, 'other') RETURNING id
  `);
}

export async function insertSlot(
  pool: Pick<DatabasePool, "oneFirst">,
  doctorId: number,
  slot: { day: string; startMinute: number; duration?: number; numSlots?: number; fee?: number },
): Promise<number> {
  return pool.oneFirst(sql.type(id)`
    INSERT INTO slots (doctor_id, day, start_minute, appointment_duration, num_slots, consultation_fee)
    VALUES (${doctorId}, ${slot.day}, ${slot.startMinute}, ${slot.duration ?? 15}, ${slot.numSlots ?? 5}, ${slot.fee ?? 1000})
    RETURNING id
  `);
}

/** The next date (strictly after today, UTC) that falls on `weekday`, as YYYY-MM-DD. */
export function nextWeekday(weekday: string, after = new Date()): string {
  const days = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
  const target = days.indexOf(weekday);
  const d = new Date(Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate()));
  do d.setUTCDate(d.getUTCDate() + 1);
  while (d.getUTCDay() !== target);
  return d.toISOString().slice(0, 10);
}

/** `date` (YYYY-MM-DD) moved by `n` days. */
export const addDays = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** A word no other test uses, letters only (one search token), starting with `prefix`. */
export const uniqueWord = (prefix: string): string =>
  `${prefix}${[...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join("")}`;

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

/**
 * Inserts a doctor (and its user, with a unique email) straight into the shared test database; returns
 * the doctor id and the user's email so that tests can assert it never leaks. Clean up with `deleteUsers`.
 */
export async function insertDoctorFixture(
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
      await insertSlot(tx, doctorId, s);
    }
    return { doctorId, userId, email };
  });
}

/** Deletes fixture users; their doctors, slots and appointments go with them (ON DELETE CASCADE). */
export async function deleteUsers(pool: DatabasePool, userIds: readonly number[]): Promise<void> {
  if (userIds.length === 0) return;
  await pool.query(sql.unsafe`DELETE FROM users WHERE id = ANY(${sql.array([...userIds], "int4")})`);
}

/**
 * An appointment as the read model gives it, for unit tests of what is made from one (mails, reminders):
 * Monday 2026-12-07, sitting 09:00 UTC, 10 minutes a seat, so seat 3 is expected at 09:20.
 */
export const appointmentRow = (over: Partial<AppointmentRow> = {}): AppointmentRow => ({
  id: 7,
  status: "booked",
  patient: { id: 5, userId: 50, name: "Sam", age: 40, gender: "other", symptoms: null },
  doctor: { id: 2, name: "Dr Lee", timeZone: "UTC" },
  slot: {
    id: 3,
    doctorId: 2,
    day: "monday",
    startMinute: 9 * 60,
    appointmentDuration: 10,
    numSlots: 4,
    consultationFee: 0,
  },
  date: "2026-12-07",
  seat: 3,
  createdAt: new Date("2026-12-01T00:00:00Z"),
  cancelledBy: null,
  cancellationReason: null,
  rescheduledFrom: null,
  calendarSequence: 0,
  ...over,
});
