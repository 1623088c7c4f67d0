import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createPgPool } from "../../src/adapters/postgres/pool.js";
import { projectRoot } from "../../src/config.js";
import { TEST_DATABASE_URL, TEST_REDIS_URL } from "../support/env.js";

const run = promisify(execFile);
const databaseOf = (name: string) => {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
};
const DEMO_DB = databaseOf("doctorly_demo_test");
const admin = databaseOf("postgres");

/** `npm run demo -- --seed-only` on a database of its own: services, migrations, the clinic, no server. */
const seedDemo = async (databaseUrl: string) => {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "scripts/demo.ts", "--seed-only"], {
      cwd: projectRoot,
      env: {
        ...process.env,
        DEMO_DATABASE_URL: databaseUrl,
        DEMO_REDIS_URL: TEST_REDIS_URL,
        UPLOAD_DIR: path.join(tmpdir(), "doctorly-demo-test-uploads"),
        LOG_LEVEL: "warn",
      },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
};

describe("npm run demo", () => {
  let server: DatabasePool;
  beforeAll(async () => {
    server = await createPgPool({ databaseUrl: admin, maximumPoolSize: 1 });
    for (const db of ["doctorly_demo_test", "doctorly_demo_other_test"])
      await server.query(sql.unsafe`DROP DATABASE IF EXISTS ${sql.identifier([db])} WITH (FORCE)`);
  });
  afterAll(async () => {
    await server?.end();
  });

  it("fills its own database once with a verified clinic, a family and a booking, then changes nothing", async () => {
    const first = await seedDemo(DEMO_DB);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain("Demo clinic created.");
    expect(first.output).toContain("sam@demo.doctorly.test");
    const second = await seedDemo(DEMO_DB);
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain("already there");

    const demo = await createPgPool({ databaseUrl: DEMO_DB, maximumPoolSize: 1 });
    try {
      const n = (q: ReturnType<typeof sql.unsafe>) =>
        demo.oneFirst(sql.type(z.object({ n: z.number() }))`${q}`);
      expect(await n(sql.unsafe`SELECT count(*)::int AS n FROM doctors WHERE verified`)).toBe(12);
      expect(await n(sql.unsafe`SELECT count(DISTINCT timezone)::int AS n FROM doctors`)).toBe(3);
      expect(await n(sql.unsafe`SELECT count(*)::int AS n FROM doctors WHERE image IS NOT NULL`)).toBe(12);
      expect(await n(sql.unsafe`SELECT count(*)::int AS n FROM patients`)).toBe(3);
      expect(await n(sql.unsafe`SELECT count(*)::int AS n FROM appointments WHERE status = 'booked'`)).toBe(
        1,
      );
      expect(await n(sql.unsafe`SELECT count(*)::int AS n FROM ratings`)).toBe(4);
    } finally {
      await demo.end();
    }
  }, 120_000);

  it("refuses a database that holds anything but the demo", async () => {
    const other = databaseOf("doctorly_demo_other_test");
    const first = await seedDemo(other);
    expect(first.code, first.output).toBe(0);
    const pool = await createPgPool({ databaseUrl: other, maximumPoolSize: 1 });
    try {
      await pool.query(
        sql.unsafe`INSERT INTO users (name, email, role, password_hash) VALUES ('Real', 'real@clinic.example', 'user', 'x')`,
      );
    } finally {
      await pool.end();
    }
    const refused = await seedDemo(other);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain("holds accounts that are not the demo's");
  }, 120_000);
});
