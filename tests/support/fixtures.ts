import { randomBytes, randomUUID } from "node:crypto";
import { type DatabasePool, sql } from "slonik";
import { z } from "zod";

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
) {
  const userId = await insertUser(pool, "doctor");
  await pool.query(sql.unsafe`UPDATE users SET name = ${name} WHERE id = ${userId}`);
  const doctorId = await pool.oneFirst(sql.type(id)`
    INSERT INTO doctors (user_id, description, timezone, verified)
    VALUES (${userId}, 'fixture', ${timeZone}, ${verified}) RETURNING id
  `);
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
  pool: DatabasePool,
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
