import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { runner } from "node-pg-migrate";
import pg from "pg";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgDoctorReadModel } from "../../../src/adapters/postgres/doctor.read-model.pg.js";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { projectRoot } from "../../../src/config.js";
import { TEST_DATABASE_URL } from "../../support/env.js";
import {
  deleteUsers,
  insertDoctor,
  insertPatient,
  insertSlot,
  insertUser,
  nextWeekday,
} from "../../support/fixtures.js";

const MIGRATIONS = path.join(projectRoot, "migrations");
/** How many migrations come before the one that adds `doctors.verified`. */
const BEFORE_VERIFIED = readdirSync(MIGRATIONS).filter(
  (f) => f.endsWith(".sql") && f < "1764300000014_verified_doctors.sql",
).length;

describe("verified doctors in Postgres", () => {
  let pool: DatabasePool;
  let doctors: PgDoctorReadModel;
  beforeAll(async () => {
    pool = await createPgPool({ databaseUrl: TEST_DATABASE_URL, maximumPoolSize: 2 });
    doctors = new PgDoctorReadModel(pool);
  });
  afterAll(async () => {
    await pool?.end();
  });

  it("reads verified doctors only, unless asked for every one (own profile, admins)", async () => {
    // Bookings dated far ahead, so that no other test's bookings (the suites run side by side) compete
    // in the popularity window; the fixtures are deleted at the end.
    const booked = "2100-01-04T00:00:00Z";
    const since = new Date("2100-01-01T00:00:00Z");
    const shown = await insertDoctor(pool, "UTC", "Visible Twin");
    const hidden = await insertDoctor(pool, "UTC", "Hidden Twin", false);
    const owner = await insertUser(pool);
    try {
      const date = nextWeekday("friday");
      const specialization = 3;
      for (const { doctorId } of [shown, hidden]) {
        await pool.query(sql.unsafe`
          INSERT INTO doctor_specializations (doctor_id, specialization_id) VALUES (${doctorId}, ${specialization})`);
        const slotId = await insertSlot(pool, doctorId, { day: "friday", startMinute: 600 });
        // The unverified twin has more bookings: popularity alone would rank it first.
        for (let seat = 1; seat <= (doctorId === hidden.doctorId ? 3 : 2); seat++) {
          await pool.query(sql.unsafe`
            INSERT INTO appointments (patient_id, slot_id, doctor_id, sitting_date, seat, capacity, created_at)
            VALUES (${await insertPatient(pool, owner)}, ${slotId}, ${doctorId}, ${date}, ${seat}, 5, ${booked})`);
        }
      }
      const ids = [shown.doctorId, hidden.doctorId];

      expect((await doctors.findByIds(ids)).map((d) => d.id)).toEqual([shown.doctorId]);
      const all = await doctors.findByIds(ids, { includeUnverified: true });
      expect(all.map((d) => [d.id, d.verified])).toEqual([
        [shown.doctorId, true],
        [hidden.doctorId, false],
      ]);
      const popular = await doctors.popularIds(since, 10);
      expect(popular[0]).toBe(shown.doctorId);
      expect(popular).not.toContain(hidden.doctorId);
      const after = await doctors.idsAfter(shown.doctorId - 1, 10);
      expect(after[0]).toBe(shown.doctorId);
      expect(after).not.toContain(hidden.doctorId);
      expect(await doctors.idsWithSpecialization(specialization)).toContain(shown.doctorId);
      expect(await doctors.idsWithSpecialization(specialization)).not.toContain(hidden.doctorId);
      const listed = (await doctors.listIds(0, 1_000_000)).ids;
      expect(listed).toContain(shown.doctorId);
      expect(listed).not.toContain(hidden.doctorId);

      const byVerification = async (verified: boolean | undefined) =>
        (await doctors.listIdsByVerification(verified, 0, 1_000_000)).ids;
      expect(await byVerification(false)).toContain(hidden.doctorId);
      expect(await byVerification(false)).not.toContain(shown.doctorId);
      expect(await byVerification(true)).toContain(shown.doctorId);
      expect(await byVerification(true)).not.toContain(hidden.doctorId);
      expect(await byVerification(undefined)).toEqual(expect.arrayContaining(ids));
    } finally {
      await deleteUsers(pool, [shown.userId, hidden.userId, owner]);
    }
  });

  it("migrates doctors that were public already as verified; doctors made afterwards start unverified", async () => {
    const name = `doctorly_test_verified_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    const db = new pg.Client({ connectionString: url.href });
    try {
      const migrate = (count: number) =>
        runner({
          databaseUrl: url.href,
          dir: MIGRATIONS,
          direction: "up",
          count,
          migrationsTable: "pgmigrations",
          singleTransaction: true,
          log: () => undefined,
        });
      await migrate(BEFORE_VERIFIED);
      await db.connect();
      const doctor = async (email: string) => {
        const { rows } = await db.query<{ id: number }>(
          `WITH u AS (INSERT INTO users (name, email, password_hash, role) VALUES ('Dr', $1, 'x', 'doctor') RETURNING id)
           INSERT INTO doctors (user_id, timezone) SELECT id, 'UTC' FROM u RETURNING id`,
          [email],
        );
        return rows[0]?.id;
      };
      const existing = await doctor("before@example.test");
      await migrate(Number.POSITIVE_INFINITY);
      const created = await doctor("after@example.test");
      const { rows } = await db.query<{ id: number; verified: boolean }>(
        "SELECT id, verified FROM doctors ORDER BY id",
      );
      expect(rows).toEqual([
        { id: existing, verified: true },
        { id: created, verified: false },
      ]);
    } finally {
      await db.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
