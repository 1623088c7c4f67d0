import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PG_POOL } from "../../src/container.js";
import { registerAndSignIn } from "../support/accounts.js";
import { addSlot, get, newDoctor, newPatient, post } from "../support/booking.js";
import { nextWeekday } from "../support/fixtures.js";
import { json, startTestServer, type TestServer } from "../support/server.js";

describe("doctors", () => {
  let server: TestServer;
  let pool: DatabasePool;
  const outboxOf = async (doctorId: number) =>
    pool.anyFirst(sql.type(z.object({ type: z.string() }))`
      SELECT type FROM outbox WHERE (payload->>'doctorId')::int = ${doctorId} ORDER BY id
    `);

  beforeAll(async () => {
    server = await startTestServer();
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
  });
  afterAll(async () => {
    await server.close();
  });

  it("registers a doctor: 201, the Doctor shape with verified false, role doctor, one event", async () => {
    const email = `Dr.Ayesha.${Date.now()}@Example.TEST `;
    const res = await server.request(
      "/doctors/new",
      json({
        name: "Ayesha Khan",
        email,
        password: "password-123",
        description: "GP",
        timezone: "asia/karachi",
      }),
    );
    expect(res.status).toBe(201);
    const doctor = (await res.json()) as Record<string, unknown>;
    expect(doctor).toMatchObject({
      name: "Ayesha Khan",
      description: "GP",
      timezone: "Asia/Karachi",
      experience: 0,
      rating: null,
      rating_count: 0,
      no_of_patients: 0,
      specializations: [],
      qualifications: [],
      slots: [],
      image: "http://doctorly.test/static/defaults/doctor.svg",
      verified: false,
    });
    expect(JSON.stringify(doctor)).not.toMatch(/example\.test|password|hash/i);
    expect(await outboxOf(doctor.id as number)).toEqual(["DoctorRegistered"]);

    const token = (await (
      await server.request("/auth/get_token", json({ email, password: "password-123" }))
    ).json()) as {
      token: string;
    };
    const info = await get(server, "/users/info", token.token);
    expect(await info.json()).toMatchObject({ role: "doctor" });
  });

  it("refuses a taken email (409), a bad time zone, a role other than doctor, and a short password (400)", async () => {
    const { email } = await newDoctor(server);
    const base = {
      name: "X",
      email: `${Date.now()}-b@example.test`,
      password: "password-123",
      description: "",
    };
    expect((await server.request("/doctors/new", json({ ...base, email: email.toUpperCase() }))).status).toBe(
      409,
    );
    expect((await server.request("/doctors/new", json({ ...base, timezone: "Mars/Base" }))).status).toBe(400);
    expect((await server.request("/doctors/new", json({ ...base, role: "admin" }))).status).toBe(400);
    const short = await server.request("/doctors/new", json({ ...base, password: "short" }));
    expect(short.status).toBe(400);
    expect(((await short.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(
      "password",
    );
  });

  it("refuses a common password, whatever its case (400, field password says it is too common)", async () => {
    for (const password of ["12345678", "PASSWORD1"]) {
      const email = `${Date.now()}-common@example.test`;
      const res = await server.request("/doctors/new", json({ name: "X", email, password, description: "" }));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { type: string; errors: { path: string; message: string }[] };
      expect(body.type).toBe("/problems/validation_failed");
      expect(body.errors).toEqual([{ path: "password", message: expect.stringContaining("too common") }]);
      const users = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM users WHERE email = ${email}
      `);
      expect(users).toBe(0);
    }
  });

  it("adds slots; refuses overlap (409), past midnight (400), non-doctors (403) and anonymous callers (401)", async () => {
    const dr = await newDoctor(server);
    const slot = await post(server, "/doctors/add_slot", dr.token, {
      day: "Monday",
      start: "09:00",
      appointment_duration: 15,
      num_slots: 8,
      consultation_fee: 1500,
    });
    expect(slot.status).toBe(201);
    expect(await slot.json()).toMatchObject({
      doctor_id: dr.id,
      day: "monday",
      start: "09:00",
      end: "11:00",
    });

    const overlap = await post(server, "/doctors/add_slot", dr.token, {
      day: "monday",
      start: "10:45",
      appointment_duration: 30,
      num_slots: 2,
      consultation_fee: 0,
    });
    expect(overlap.status).toBe(409);
    expect(overlap.headers.get("content-type")).toContain("application/problem+json");
    const adjacent = {
      day: "monday",
      start: "11:00",
      appointment_duration: 30,
      num_slots: 2,
      consultation_fee: 0,
    };
    expect((await post(server, "/doctors/add_slot", dr.token, adjacent)).status).toBe(201);
    const late = {
      day: "friday",
      start: "23:00",
      appointment_duration: 30,
      num_slots: 3,
      consultation_fee: 0,
    };
    expect((await post(server, "/doctors/add_slot", dr.token, late)).status).toBe(400);

    const user = await registerAndSignIn(server);
    expect((await post(server, "/doctors/add_slot", user.token, adjacent)).status).toBe(403);
    expect((await server.request("/doctors/add_slot", json(adjacent))).status).toBe(401);
    expect(await outboxOf(dr.id)).toEqual(["DoctorRegistered", "DoctorVerified", "SlotAdded", "SlotAdded"]);
  });

  it("adds all requested specializations and qualifications; unknown 400, already held 409", async () => {
    const dr = await newDoctor(server);
    const added = await post(server, "/doctors/add_specializations", dr.token, {
      specializations: ["Cardiologist", "family physician", "general surgeon"],
    });
    expect(added.status).toBe(200);
    const doctor = (await added.json()) as { specializations: { name: string; image: string }[] };
    expect(doctor.specializations.map((s) => s.name).sort()).toEqual([
      "cardiologist",
      "family physician",
      "general surgeon",
    ]);
    expect(doctor.specializations[0]?.image).toMatch(/^http:\/\/doctorly\.test\//);

    const unknown = await post(server, "/doctors/add_specializations", dr.token, {
      specializations: ["astrologer"],
    });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()) as object).toMatchObject({ errors: [{ path: "specializations.0" }] });
    const again = await post(server, "/doctors/add_specializations", dr.token, {
      specializations: ["cardiologist"],
    });
    expect(again.status).toBe(409);

    const quals = await post(server, "/doctors/add_qualifications", dr.token, {
      qualifications: [
        { name: "mbbs", procurement_year: "2010-06-30", institute_name: "King Edward Medical University" },
        { name: "MD", procurement_year: "2015-01-15", institute_name: "Aga Khan University" },
      ],
    });
    expect(quals.status).toBe(200);
    const withQuals = (await quals.json()) as { experience: number; qualifications: { name: string }[] };
    expect(withQuals.qualifications.map((q) => q.name)).toEqual(["mbbs", "md"]);
    expect(withQuals.experience).toBeGreaterThanOrEqual(15);
    const dup = await post(server, "/doctors/add_qualifications", dr.token, {
      qualifications: [{ name: "mbbs", procurement_year: "2011-01-01", institute_name: "X" }],
    });
    expect(dup.status).toBe(409);
    expect(await outboxOf(dr.id)).toEqual([
      "DoctorRegistered",
      "DoctorVerified",
      "SpecializationsAdded",
      "QualificationsAdded",
    ]);
  });

  it("shows a doctor, its slots and its own profile; 404 for an unknown id, 400 for a malformed one", async () => {
    const dr = await newDoctor(server, { name: "Shown Doctor" });
    await addSlot(server, dr.token, { day: "tuesday", start: "14:00" });
    const shown = await get(server, `/doctors/get/${dr.id}`);
    expect(shown.status).toBe(200);
    expect(await shown.json()).toMatchObject({
      id: dr.id,
      name: "Shown Doctor",
      slots: [{ day: "tuesday" }],
    });
    expect(await (await get(server, "/doctors/info", dr.token)).json()).toMatchObject({
      id: dr.id,
      verified: true,
    });
    expect(await (await get(server, `/doctors/slot/${dr.id}`)).json()).toMatchObject({
      data: [{ start: "14:00", end: "15:15" }],
    });
    for (const bad of ["abc", "-1", "1.5", "0", "99999999999999999999", "'%3B DROP TABLE doctors"]) {
      const res = await get(server, `/doctors/get/${bad}`);
      expect(res.status, bad).toBe(400);
    }
    expect((await get(server, "/doctors/get/2147483647")).status).toBe(404);
    expect((await get(server, "/doctors/slot/2147483647")).status).toBe(404);
    const user = await registerAndSignIn(server);
    expect((await get(server, "/doctors/info", user.token)).status).toBe(403);
  });

  it("pages through all doctors", async () => {
    await newDoctor(server);
    const res = await get(server, "/doctors/all?page=1&per_page=2");
    const page = (await res.json()) as { data: unknown[]; page: number; per_page: number; total: number };
    expect(page).toMatchObject({ page: 1, per_page: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.total).toBeGreaterThanOrEqual(2);
    expect((await get(server, "/doctors/all?per_page=101")).status).toBe(400);
  });

  it("lists upcoming sittings with capacity, booked and available, in time order", async () => {
    const dr = await newDoctor(server, { timezone: "Asia/Karachi" });
    const monday = await addSlot(server, dr.token, { day: "monday", start: "09:00", num_slots: 3 });
    await addSlot(server, dr.token, { day: "wednesday", start: "18:00", num_slots: 4 });
    const user = await registerAndSignIn(server);
    const patient = await newPatient(server, user.token);
    const date = nextWeekday("monday");
    expect(
      (
        await post(server, "/patient/new_appointment", user.token, {
          slot_id: monday.id,
          patient_id: patient.id,
          date,
        })
      ).status,
    ).toBe(201);

    const res = await get(server, `/doctors/timings/${dr.id}?from=${date}&days=14`);
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as {
      data: {
        slot_id: number;
        date: string;
        starts_at: string;
        capacity: number;
        booked: number;
        available: number;
      }[];
    };
    expect(data).toHaveLength(4);
    expect(data[0]).toMatchObject({ slot_id: monday.id, date, capacity: 3, booked: 1, available: 2 });
    expect(data[0]?.starts_at).toBe(`${date}T04:00:00.000Z`);
    const starts = data.map((s) => s.starts_at);
    expect([...starts].sort()).toEqual(starts);
    expect((await get(server, `/doctors/timings/${dr.id}?days=61`)).status).toBe(400);
    expect((await get(server, `/doctors/timings/${dr.id}?from=2026-02-30`)).status).toBe(400);
    expect((await get(server, "/doctors/timings/2147483647")).status).toBe(404);
  });

  it("ranks popular doctors deterministically by recent bookings, at most 10", async () => {
    const first = await (await get(server, "/doctors/popular/doctors")).json();
    const second = await (await get(server, "/doctors/popular/doctors")).json();
    expect(second).toEqual(first);
    const ids = (first as { data: { id: number }[] }).data.map((d) => d.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThanOrEqual(10);
    const ranked = await pool.anyFirst(sql.type(z.object({ id: z.number() }))`
      SELECT d.id FROM doctors d
      LEFT JOIN appointments a ON a.doctor_id = d.id AND a.status <> 'cancelled' AND a.created_at > now() - interval '30 days'
      WHERE d.verified
      GROUP BY d.id
      ORDER BY count(a.id) DESC, (SELECT avg(r.rating) FROM ratings r WHERE r.doctor_id = d.id) DESC NULLS LAST, d.id
      LIMIT 10
    `);
    expect(ids).toEqual(ranked);
  });
});
