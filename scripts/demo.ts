import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import sharp from "sharp";
import { sql } from "slonik";
import { z } from "zod";
import { createLogger } from "../src/adapters/logging/logger.pino.js";
import { runMigrations } from "../src/adapters/postgres/migrate.js";
import { createPgPool } from "../src/adapters/postgres/pool.js";
import { loadConfig, projectRoot } from "../src/config.js";
import { buildHttpApp, compose } from "../src/container.js";

/**
 * `npm run demo`: the same start as `npm start` (services, migrations, API and workers), on a database
 * and a Redis of its own (`doctorly_demo`, port 6385; DEMO_DATABASE_URL / DEMO_REDIS_URL), filled once
 * with a demo clinic: verified doctors with pictures and weekly slots in three time zones, reviews, and
 * a patient account with a family and a booking. It refuses a database that holds anything else.
 */
const DOMAIN = "demo.doctorly.test";
const PASSWORD = "demo clinic passphrase";
const ADMIN = { email: `admin@${DOMAIN}`, password: "demo admin passphrase" };
const PATIENT = { name: "Sam Rivera", email: `sam@${DOMAIN}` };

const base = loadConfig({ ...process.env, LOG_LEVEL: "silent" });
const demoDatabase = process.env.DEMO_DATABASE_URL ?? withDatabase(base.DATABASE_URL, "doctorly_demo");
const demoRedis = process.env.DEMO_REDIS_URL ?? "redis://127.0.0.1:6385";
const env = { ...process.env, DATABASE_URL: demoDatabase, REDIS_URL: demoRedis };

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const DOCTORS = [
  {
    name: "Ayesha Khan",
    tz: "Asia/Kolkata",
    spec: "cardiologist",
    day: "monday",
    start: "09:00",
    fee: 50000,
  },
  {
    name: "Rohan Mehta",
    tz: "Asia/Kolkata",
    spec: "dermatologist",
    day: "tuesday",
    start: "10:00",
    fee: 40000,
  },
  {
    name: "Priya Nair",
    tz: "Asia/Kolkata",
    spec: "pediatrician",
    day: "wednesday",
    start: "09:30",
    fee: 35000,
  },
  {
    name: "Arjun Rao",
    tz: "Asia/Kolkata",
    spec: "rheumatologist",
    day: "thursday",
    start: "11:00",
    fee: 60000,
  },
  {
    name: "Lena Fischer",
    tz: "Europe/Berlin",
    spec: "neurologist",
    day: "monday",
    start: "08:00",
    fee: 9000,
  },
  {
    name: "Jonas Weber",
    tz: "Europe/Berlin",
    spec: "obstetricians and gynecologist",
    day: "tuesday",
    start: "13:00",
    fee: 8000,
  },
  {
    name: "Marie Keller",
    tz: "Europe/Berlin",
    spec: "psychiatrists",
    day: "friday",
    start: "09:00",
    fee: 12000,
  },
  { name: "Sofia Rossi", tz: "Europe/Berlin", spec: "allergist", day: "thursday", start: "14:00", fee: 7000 },
  {
    name: "Emily Carter",
    tz: "America/New_York",
    spec: "cardiologist",
    day: "wednesday",
    start: "08:30",
    fee: 15000,
  },
  {
    name: "Daniel Brooks",
    tz: "America/New_York",
    spec: "oncologist",
    day: "friday",
    start: "10:00",
    fee: 20000,
  },
  {
    name: "Grace Lee",
    tz: "America/New_York",
    spec: "endocrinologist",
    day: "saturday",
    start: "09:00",
    fee: 14000,
  },
  {
    name: "Omar Haddad",
    tz: "America/New_York",
    spec: "urologist",
    day: "monday",
    start: "15:00",
    fee: 13000,
  },
] as const;

const FAMILY = [
  { name: "Sam Rivera", age: 38, gender: "male" },
  { name: "Alex Rivera", age: 36, gender: "female" },
  { name: "Mia Rivera", age: 7, gender: "female" },
] as const;

const REVIEWS = [
  { doctor: 0, rating: 5, review: "Explained everything calmly; we were seen at the expected time." },
  { doctor: 2, rating: 4, review: "Very good with children. A short wait." },
  { doctor: 4, rating: 5, review: "Thorough and kind." },
  { doctor: 8, rating: 3, review: "Good advice, but the sitting ran late." },
] as const;

function run(command: string, args: string[], input?: string) {
  const result = spawnSync(command, args, {
    cwd: projectRoot,
    env,
    input,
    stdio: ["pipe", "inherit", "inherit"],
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status})`);
}

async function seed() {
  const config = loadConfig({
    ...env,
    LOG_LEVEL: "warn",
    // One in-process client makes the whole clinic; the limits of the service it starts stay as set.
    REGISTRATIONS_PER_HOUR: "1000",
    UPLOADS_PER_HOUR: "1000",
  });
  const pool = await createPgPool({ databaseUrl: demoDatabase, maximumPoolSize: 2 });
  try {
    const count = z.object({ n: z.number() });
    const foreign = await pool.oneFirst(
      sql.type(count)`SELECT count(*)::int AS n FROM users WHERE email NOT LIKE ${`%@${DOMAIN}`}`,
    );
    if (foreign > 0) {
      throw new Error(
        `${demoDatabase} holds accounts that are not the demo's: the demo fills only its own database`,
      );
    }
    const seeded = await pool.oneFirst(
      sql.type(count)`SELECT count(*)::int AS n FROM users WHERE email = ${PATIENT.email}`,
    );
    if (seeded > 0) return false;

    run(
      "npx",
      [
        "tsx",
        "src/cli.ts",
        "admin:create",
        "--email",
        ADMIN.email,
        "--name",
        "Demo Admin",
        "--password-stdin",
      ],
      ADMIN.password,
    );
    const runtime = await compose(config, createLogger("warn"));
    const app = buildHttpApp(runtime);
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const init: RequestInit = { method, headers };
      if (body instanceof FormData) init.body = body;
      else if (body !== undefined) {
        headers["content-type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      const res = await app.request(url, init);
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text}`);
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    };
    const signIn = async (email: string, password: string) =>
      (await call("POST", "/auth/get_token", { email, password })).token as string;
    try {
      const admin = await signIn(ADMIN.email, ADMIN.password);
      const doctors: { id: number; slotId: number }[] = [];
      for (const [i, d] of DOCTORS.entries()) {
        const email = `${d.name.toLowerCase().replace(/\s+/g, ".")}@${DOMAIN}`;
        const doctor = await call("POST", "/doctors/new", {
          name: d.name,
          email,
          password: PASSWORD,
          timezone: d.tz,
          description: `${d.spec[0]?.toUpperCase()}${d.spec.slice(1)} at the demo clinic.`,
        });
        const token = await signIn(email, PASSWORD);
        await call("POST", "/doctors/add_specializations", { specializations: [d.spec] }, token);
        await call(
          "POST",
          "/doctors/add_qualifications",
          {
            qualifications: [
              { name: "mbbs", procurement_year: `${2000 + i}-06-30`, institute_name: "Demo Medical College" },
            ],
          },
          token,
        );
        const slot = await call(
          "POST",
          "/doctors/add_slot",
          { day: d.day, start: d.start, appointment_duration: 15, num_slots: 12, consultation_fee: d.fee },
          token,
        );
        const picture = await sharp({
          create: {
            width: 256,
            height: 256,
            channels: 3,
            background: { r: 40 + i * 15, g: 120, b: 200 - i * 10 },
          },
        })
          .png()
          .toBuffer();
        const form = new FormData();
        form.append("image", new Blob([new Uint8Array(picture)], { type: "image/png" }), "portrait.png");
        await call("POST", "/doctors/image", form, token);
        await call("POST", `/admin/doctors/${doctor.id}/verify`, undefined, admin);
        doctors.push({ id: doctor.id as number, slotId: slot.id as number });
      }

      await call("POST", "/users/register", { name: PATIENT.name, email: PATIENT.email, password: PASSWORD });
      const patientToken = await signIn(PATIENT.email, PASSWORD);
      const family: number[] = [];
      for (const member of FAMILY)
        family.push((await call("POST", "/patient/new", member, patientToken)).id as number);
      const first = doctors[0] as { slotId: number };
      await call(
        "POST",
        "/patient/new_appointment",
        { slot_id: first.slotId, patient_id: family[2] },
        patientToken,
      );

      // Past visits cannot be booked; the reviews come with visits written as the clinic's history. The
      // workers project every doctor from PostgreSQL when they start (their events wait in the outbox),
      // so search and the caches show the ratings.
      for (const [n, r] of REVIEWS.entries()) {
        const { id: doctorId, slotId } = doctors[r.doctor] as { id: number; slotId: number };
        await pool.transaction(async (tx) => {
          const appointmentId = await tx.oneFirst(sql.type(z.object({ id: z.number() }))`
            INSERT INTO appointments (patient_id, slot_id, doctor_id, sitting_date, seat, capacity, status)
            SELECT ${family[n % family.length] as number}, s.id, s.doctor_id,
                   (current_date - 7 - ((extract(isodow FROM current_date)::int
                     - array_position(ARRAY['monday','tuesday','wednesday','thursday','friday','saturday','sunday'], s.day)
                     + 7) % 7)),
                   1, s.num_slots, 'fulfilled'
            FROM slots s WHERE s.id = ${slotId}
            RETURNING id`);
          await tx.query(sql.unsafe`
            INSERT INTO ratings (appointment_id, doctor_id, rating, review)
            VALUES (${appointmentId}, ${doctorId}, ${r.rating}, ${r.review})`);
        });
      }
    } finally {
      await runtime.close();
    }
    return true;
  } finally {
    await pool.end();
  }
}

async function main() {
  run("bash", ["scripts/services.sh"]);
  await runMigrations(demoDatabase, path.join(projectRoot, "migrations"), createLogger("warn"));
  const created = await seed();
  const port = base.PORT;
  console.log(
    [
      "",
      created ? "Demo clinic created." : "Demo clinic already there (nothing changed).",
      `  docs and try-it-out:  http://127.0.0.1:${port}/`,
      `  patient account:      ${PATIENT.email} / ${PASSWORD} (a family of three, one booking)`,
      `  a doctor:             ayesha.khan@${DOMAIN} / ${PASSWORD}`,
      `  admin:                ${ADMIN.email} / ${ADMIN.password}`,
      "  try this:",
      `    curl 'http://127.0.0.1:${port}/misc/doctors/search?q=khan'`,
      `    curl 'http://127.0.0.1:${port}/misc/doctors/specialization/cardiologist'`,
      `    curl -u '${PATIENT.email}:${PASSWORD}' -X POST http://127.0.0.1:${port}/auth/get_token`,
      "",
    ].join("\n"),
  );
  if (process.argv.includes("--seed-only")) return;
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: projectRoot,
    env,
    stdio: "inherit",
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((error: unknown) => {
  console.error("demo failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
