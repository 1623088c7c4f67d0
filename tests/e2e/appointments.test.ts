import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PG_POOL, startWorkers } from "../../src/container.js";
import { createAdmin, registerAndSignIn } from "../support/accounts.js";
import { addSlot, get, newDoctor, newPatient, patientsOfAccounts, post } from "../support/booking.js";
import { eventually } from "../support/eventually.js";
import { nextWeekday } from "../support/fixtures.js";
import { json, startTestServer, type TestServer } from "../support/server.js";

interface Appointment {
  id: number;
  status: string;
  seat: number;
  date: string;
  expected_time: string;
  expected_local_time: string;
  patient: { id: number };
  doctor: { id: number; name: string };
  slot: { id: number };
}

describe("patients and appointments", () => {
  let server: TestServer;
  let pool: DatabasePool;
  const eventsOfSlot = async (slotId: number) =>
    pool.anyFirst(sql.type(z.object({ type: z.string() }))`
      SELECT type FROM outbox WHERE (payload->>'slotId')::int = ${slotId} AND type LIKE 'Appointment%' ORDER BY id
    `);

  beforeAll(async () => {
    server = await startTestServer();
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
  });
  afterAll(async () => {
    await server.close();
  });

  it("registers patients owned by the caller; others, even signed in, get 404", async () => {
    const owner = await registerAndSignIn(server);
    const created = await post(server, "/patient/new", owner.token, {
      name: "Sara Khan",
      age: 34,
      gender: "Female",
      symptoms: "fever",
    });
    expect(created.status).toBe(201);
    const patient = (await created.json()) as { id: number };
    expect(patient).toMatchObject({ name: "Sara Khan", age: 34, gender: "female", symptoms: "fever" });
    expect(Object.keys(patient).sort()).toEqual(["age", "gender", "id", "name", "symptoms"]);

    expect(await (await get(server, `/patient/get/${patient.id}`, owner.token)).json()).toMatchObject({
      id: patient.id,
    });
    const list = (await (await get(server, "/patient/all", owner.token)).json()) as {
      data: { id: number }[];
      total: number;
    };
    expect(list).toMatchObject({ total: 1, data: [{ id: patient.id }] });

    const other = await registerAndSignIn(server);
    expect((await get(server, `/patient/get/${patient.id}`, other.token)).status).toBe(404);
    expect(((await (await get(server, "/patient/all", other.token)).json()) as { total: number }).total).toBe(
      0,
    );
    const admin = await createAdmin(server);
    expect((await get(server, `/patient/get/${patient.id}`, admin.token)).status).toBe(200);

    expect(
      (await post(server, "/patient/new", owner.token, { name: "X", age: 151, gender: "male" })).status,
    ).toBe(400);
    expect(
      (await post(server, "/patient/new", owner.token, { name: "X", age: 3, gender: "robot" })).status,
    ).toBe(400);
    expect((await server.request("/patient/new", json({ name: "X", age: 3, gender: "male" }))).status).toBe(
      401,
    );
  });

  it("books the lowest free seat with its expected time, shows it in history, cancels it, and reuses the seat", async () => {
    const dr = await newDoctor(server, { name: "Queue Doctor", timezone: "Asia/Karachi" });
    const slot = await addSlot(server, dr.token, {
      day: "thursday",
      start: "10:00",
      appointment_duration: 20,
      num_slots: 3,
    });
    const user = await registerAndSignIn(server);
    const [a, b, c] = [
      await newPatient(server, user.token),
      await newPatient(server, user.token),
      await newPatient(server, user.token),
    ];
    const date = nextWeekday("thursday");

    const book = (patientId: number) =>
      post(server, "/patient/new_appointment", user.token, { slot_id: slot.id, patient_id: patientId, date });
    const first = await book(a.id);
    expect(first.status).toBe(201);
    const one = (await first.json()) as Appointment;
    expect(one).toMatchObject({
      status: "booked",
      seat: 1,
      date,
      expected_local_time: "10:00",
      expected_time: `${date}T05:00:00.000Z`,
      patient: { id: a.id },
      doctor: { id: dr.id, name: "Queue Doctor" },
      slot: { id: slot.id },
    });
    const two = (await (await book(b.id)).json()) as Appointment;
    expect(two).toMatchObject({ seat: 2, expected_local_time: "10:20" });

    const history = (await (await get(server, "/patient/appointment/history", user.token)).json()) as {
      data: Appointment[];
    };
    expect(history.data.map((x) => x.id).sort()).toEqual([one.id, two.id].sort());
    // The booking's answer is the appointment exactly as every later read shows it.
    expect(history.data.find((x) => x.id === one.id)).toEqual(one);
    expect(history.data.find((x) => x.id === two.id)).toEqual(two);

    const cancelled = await post(server, `/patient/appointment/${one.id}/cancel`, user.token, {});
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ id: one.id, status: "cancelled" });
    expect((await post(server, `/patient/appointment/${one.id}/cancel`, user.token, {})).status).toBe(409);

    const three = (await (await book(c.id)).json()) as Appointment;
    expect(three.seat).toBe(1);
    expect(await eventsOfSlot(slot.id)).toEqual([
      "AppointmentBooked",
      "AppointmentBooked",
      "AppointmentCancelled",
      "AppointmentBooked",
    ]);

    const stranger = await registerAndSignIn(server);
    expect((await post(server, `/patient/appointment/${two.id}/cancel`, stranger.token, {})).status).toBe(
      404,
    );
    const strangerPatient = await newPatient(server, stranger.token);
    expect(
      (
        await post(server, "/patient/new_appointment", user.token, {
          slot_id: slot.id,
          patient_id: strangerPatient.id,
          date,
        })
      ).status,
    ).toBe(404);
  });

  it("refuses a wrong weekday, a past date, a date beyond the horizon (400), and an unknown slot (404)", async () => {
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "monday", start: "09:00" });
    const user = await registerAndSignIn(server);
    const p = await newPatient(server, user.token);
    const book = (body: object) =>
      post(server, "/patient/new_appointment", user.token, { patient_id: p.id, ...body });
    expect((await book({ slot_id: slot.id, date: nextWeekday("tuesday") })).status).toBe(400);
    expect((await book({ slot_id: slot.id, date: "2020-01-06" })).status).toBe(400);
    expect((await book({ slot_id: slot.id, date: "2099-01-05" })).status).toBe(400);
    expect((await book({ slot_id: 2147483647 })).status).toBe(404);
    expect((await book({ slot_id: "one" })).status).toBe(400);
  });

  it("gives exactly 5 of 40 concurrent bookings of a 5-seat sitting seats 1-5, the rest 409, no 5xx", async () => {
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "saturday", start: "08:00", num_slots: 5 });
    // Two patients per account: one account may hold only a few seats of a sitting.
    const patients = await patientsOfAccounts(server, 40, 2);
    const date = nextWeekday("saturday");
    const answers = await Promise.all(
      patients.map((p) =>
        post(server, "/patient/new_appointment", p.token, { slot_id: slot.id, patient_id: p.id, date }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(35);
    const seats = await Promise.all(
      answers.filter((r) => r.status === 201).map(async (r) => ((await r.json()) as Appointment).seat),
    );
    expect(seats.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await eventsOfSlot(slot.id)).toEqual(Array(5).fill("AppointmentBooked"));
  });

  it("books one patient once under 10 concurrent requests for one sitting", async () => {
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "sunday", start: "08:00", num_slots: 20 });
    const user = await registerAndSignIn(server);
    const p = await newPatient(server, user.token);
    const date = nextWeekday("sunday");
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        post(server, "/patient/new_appointment", user.token, { slot_id: slot.id, patient_id: p.id, date }),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
  });

  it("answers a repeated Idempotency-Key with the first booking and a reused one with 409", async () => {
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "tuesday", start: "08:00" });
    const user = await registerAndSignIn(server);
    const p = await newPatient(server, user.token);
    const body = { slot_id: slot.id, patient_id: p.id };
    const key = { "idempotency-key": `key-${Date.now()}` };
    const first = await post(server, "/patient/new_appointment", user.token, body, key);
    const again = await post(server, "/patient/new_appointment", user.token, body, key);
    expect([first.status, again.status]).toEqual([201, 201]);
    const [x, y] = [(await first.json()) as Appointment, (await again.json()) as Appointment];
    expect(y).toEqual(x);
    expect(await eventsOfSlot(slot.id)).toEqual(["AppointmentBooked"]);
    const reused = await post(
      server,
      "/patient/new_appointment",
      user.token,
      { ...body, date: nextWeekday("tuesday", new Date(Date.now() + 8 * 86_400_000)) },
      key,
    );
    expect(reused.status).toBe(409);
  });

  it("lets a doctor see the distinct patients of its appointments, and nobody else's", async () => {
    const dr = await newDoctor(server);
    const other = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "friday", start: "07:00", num_slots: 4 });
    const user = await registerAndSignIn(server);
    const p = await newPatient(server, user.token);
    const booked = (await (
      await post(server, "/patient/new_appointment", user.token, {
        slot_id: slot.id,
        patient_id: p.id,
        date: nextWeekday("friday"),
      })
    ).json()) as Appointment;
    await post(server, "/patient/new_appointment", user.token, {
      slot_id: slot.id,
      patient_id: p.id,
      date: nextWeekday("friday", new Date(Date.now() + 7 * 86_400_000)),
    });

    const mine = (await (await get(server, "/doctors/patients", dr.token)).json()) as {
      data: { id: number }[];
      total: number;
    };
    expect(mine).toMatchObject({ total: 1, data: [{ id: p.id }] });
    expect((await (await get(server, `/doctors/get/${dr.id}`)).json()) as object).toMatchObject({
      no_of_patients: 1,
    });
    expect(await (await get(server, `/doctors/patients/${booked.id}`, dr.token)).json()).toMatchObject({
      data: [{ id: p.id }],
    });
    expect((await get(server, `/doctors/patients/${booked.id}`, other.token)).status).toBe(404);
    expect((await get(server, `/patient/get/${p.id}`, dr.token)).status).toBe(200);
    expect((await get(server, `/patient/get/${p.id}`, other.token)).status).toBe(404);
    expect((await get(server, "/doctors/patients", user.token)).status).toBe(403);
  });
});

describe("Idempotency-Keys are kept for IDEMPOTENCY_KEY_DAYS, then forgotten by the workers", () => {
  let server: TestServer;
  let workers: { close(): Promise<void> } | null = null;
  beforeAll(async () => {
    server = await startTestServer({ IDEMPOTENCY_KEY_DAYS: "3" });
  });
  afterAll(async () => {
    await workers?.close();
    await server.close();
  });

  it("replays a booking within the retention and forgets keys older than it", async () => {
    const pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "friday", start: "09:00" });
    const user = await registerAndSignIn(server);
    const p = await newPatient(server, user.token);
    const keyed = (key: string, date: string) =>
      post(
        server,
        "/patient/new_appointment",
        user.token,
        { slot_id: slot.id, patient_id: p.id, date },
        {
          "idempotency-key": key,
        },
      );
    const [first, second] = [
      nextWeekday("friday"),
      nextWeekday("friday", new Date(Date.now() + 7 * 86_400_000)),
    ];
    expect((await keyed("recent-key", first)).status).toBe(201);
    expect((await keyed("old-key", second)).status).toBe(201);
    // One key two days old (kept), one four days old (past the 3-day retention).
    await pool.query(sql.unsafe`
      UPDATE idempotency_keys SET created_at = now() - (CASE key WHEN 'recent-key' THEN 2 ELSE 4 END) * interval '1 day'
      WHERE user_id = ${user.user.id}
    `);
    const keys = () =>
      pool.anyFirst(sql.type(z.object({ key: z.string() }))`
        SELECT key FROM idempotency_keys WHERE user_id = ${user.user.id} ORDER BY key
      `);
    expect(await keys()).toEqual(["old-key", "recent-key"]);

    workers = startWorkers(server.runtime, { queueName: `idempotency-${Date.now()}` });
    expect(await eventually(async () => (await keys()).join() === "recent-key", 10_000, 50)).toBe(true);
    // The kept key still replays: same answer, nothing booked.
    const replay = await keyed("recent-key", first);
    expect(replay.status).toBe(201);
    const booked = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM appointments WHERE patient_id = ${p.id}
    `);
    expect(booked).toBe(2);
  });
});
