import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Reminders } from "../../src/application/projections/reminders.js";
import { PG_POOL, startWorkers } from "../../src/container.js";
import { APPOINTMENT_READ_MODEL } from "../../src/ports/appointment.read-model.js";
import { CLOCK } from "../../src/ports/clock.js";
import type { JobQueue } from "../../src/ports/job-queue.js";
import { UNIT_OF_WORK } from "../../src/ports/unit-of-work.js";
import { VISIT_READ_MODEL } from "../../src/ports/visit.read-model.js";
import { registerAndSignIn } from "../support/accounts.js";
import { addSlot, get, newDoctor, newPatient, patientsOfAccounts, post } from "../support/booking.js";
import { eventually } from "../support/eventually.js";
import { nextWeekday, uniqueWord } from "../support/fixtures.js";
import { startTestServer, type TestServer } from "../support/server.js";

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

describe("visits, ratings, waitlist and notifications", () => {
  let server: TestServer;
  let pool: DatabasePool;
  let workers: { close(): Promise<void> };
  beforeAll(async () => {
    server = await startTestServer();
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    workers = startWorkers(server.runtime);
  });
  afterAll(async () => {
    await workers.close();
    await server.close();
  });

  /** An appointment in a sitting that started today at 00:00 UTC (the API cannot book a started one). */
  async function startedVisit(doctorName: string) {
    const dr = await newDoctor(server, { name: doctorName, timezone: "UTC" });
    const today = new Date().toISOString().slice(0, 10);
    const slot = await addSlot(server, dr.token, {
      day: WEEKDAYS[new Date().getUTCDay()] as string,
      start: "00:00",
      appointment_duration: 5,
      num_slots: 4,
    });
    const user = await registerAndSignIn(server);
    const patient = await newPatient(server, user.token);
    const id = await pool.oneFirst(sql.type(z.object({ id: z.number() }))`
      INSERT INTO appointments (patient_id, slot_id, doctor_id, sitting_date, seat, capacity)
      VALUES (${patient.id}, ${slot.id}, ${dr.id}, ${today}, 1, 4) RETURNING id
    `);
    return { dr, user, patient, id, today };
  }

  it("lets the doctor record the visit, the owner rate it once, and the rating reach the doctor and search", async () => {
    const word = uniqueWord("V");
    const { dr, user, id, today } = await startedVisit(`Dr ${word}`);
    const other = await newDoctor(server);

    expect(
      (await post(server, `/doctors/appointments/${id}/status`, other.token, { status: "arrived" })).status,
    ).toBe(404);
    expect((await post(server, `/patient/appointment/${id}/rating`, user.token, { rating: 4 })).status).toBe(
      409,
    );
    const arrived = await post(server, `/doctors/appointments/${id}/status`, dr.token, { status: "arrived" });
    expect(arrived.status).toBe(200);
    expect(await arrived.json()).toMatchObject({ id, status: "arrived" });
    expect(
      (await post(server, `/doctors/appointments/${id}/status`, dr.token, { status: "arrived" })).status,
    ).toBe(409);
    expect(
      (await post(server, `/doctors/appointments/${id}/status`, dr.token, { status: "fulfilled" })).status,
    ).toBe(200);

    const day = (await (await get(server, `/doctors/appointments?date=${today}`, dr.token)).json()) as {
      data: { sitting: { booked: number }; appointments: { id: number; status: string; seat: number }[] }[];
    };
    expect(day.data).toHaveLength(1);
    expect(day.data[0]?.appointments).toMatchObject([{ id, status: "fulfilled", seat: 1 }]);

    const stranger = await registerAndSignIn(server);
    expect(
      (await post(server, `/patient/appointment/${id}/rating`, stranger.token, { rating: 1 })).status,
    ).toBe(404);
    const rated = await post(server, `/patient/appointment/${id}/rating`, user.token, {
      rating: 4,
      review: "kind",
    });
    expect(rated.status).toBe(201);
    expect(await rated.json()).toMatchObject({ rating: 4, review: "kind" });
    expect((await post(server, `/patient/appointment/${id}/rating`, user.token, { rating: 5 })).status).toBe(
      409,
    );

    expect(await (await get(server, `/doctors/get/${dr.id}`)).json()).toMatchObject({
      rating: 4,
      rating_count: 1,
    });
    expect(await (await get(server, `/doctors/${dr.id}/reviews`)).json()).toMatchObject({
      total: 1,
      data: [{ rating: 4, review: "kind" }],
    });
    const inSearch = async () => {
      const res = await get(server, `/misc/doctors/search?q=${word}&min_rating=4&sort=rating`);
      const page = (await res.json()) as { data: { id: number; rating: number }[] };
      return page.data.some((d) => d.id === dr.id && d.rating === 4);
    };
    expect(await eventually(inSearch, 2_000, 50)).toBe(true);
    expect((await get(server, `/doctors/2147483647/reviews`)).status).toBe(404);
  });

  it("routes look-alike paths to their own operation: reviews never shadow the fixed doctor paths", async () => {
    const dr = await newDoctor(server);
    expect(await (await get(server, `/doctors/get/${dr.id}`)).json()).toMatchObject({ id: dr.id });
    expect(await (await get(server, `/doctors/${dr.id}/reviews`)).json()).toMatchObject({
      data: [],
      total: 0,
    });
    expect((await get(server, "/doctors/appointments", dr.token)).status).toBe(200);
    expect((await get(server, "/doctors/all")).status).toBe(200);
    expect((await get(server, "/doctors/popular/doctors")).status).toBe(200);
    for (const path of ["/doctors/get/reviews", "/doctors/slot/reviews", "/doctors/all/reviews"]) {
      expect((await get(server, path)).status).toBe(400);
    }
  });

  it("hands a cancelled seat to the first patient waiting, who is notified; others keep their place", async () => {
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "thursday", start: "09:00", num_slots: 1 });
    const date = nextWeekday("thursday");
    const holder = await registerAndSignIn(server);
    const held = await newPatient(server, holder.token);
    const booking = (await (
      await post(server, "/patient/new_appointment", holder.token, {
        slot_id: slot.id,
        patient_id: held.id,
        date,
      })
    ).json()) as { id: number };

    const first = await registerAndSignIn(server);
    const second = await registerAndSignIn(server);
    const [p1, p2] = [await newPatient(server, first.token), await newPatient(server, second.token)];
    const join = (token: string, patientId: number) =>
      post(server, "/patient/waitlist", token, { slot_id: slot.id, patient_id: patientId, date });
    const j1 = await join(first.token, p1.id);
    expect(j1.status).toBe(201);
    expect(await j1.json()).toMatchObject({ position: 1 });
    expect((await join(first.token, p1.id)).status).toBe(409);
    const j2 = (await (await join(second.token, p2.id)).json()) as { id: number; position: number };
    expect(j2.position).toBe(2);
    expect((await join(first.token, p2.id)).status).toBe(404);

    expect((await post(server, `/patient/appointment/${booking.id}/cancel`, holder.token, {})).status).toBe(
      200,
    );

    const history = (await (await get(server, "/patient/appointment/history", first.token)).json()) as {
      data: { status: string; seat: number; date: string }[];
    };
    expect(history.data).toMatchObject([{ status: "booked", seat: 1, date }]);
    const notes = (await (await get(server, "/users/notifications", first.token)).json()) as {
      data: { kind: string }[];
    };
    expect(notes.data.map((n) => n.kind)).toContain("moved_from_waitlist");
    const holderNotes = (await (await get(server, "/users/notifications", holder.token)).json()) as {
      data: { kind: string }[];
    };
    expect(holderNotes.data.map((n) => n.kind)).toEqual(["cancelled", "booked"]);
    expect(
      ((await (await get(server, "/patient/appointment/history", second.token)).json()) as { total: number })
        .total,
    ).toBe(0);

    expect(
      (
        await server.request(`/patient/waitlist/${j2.id}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${first.token}` },
        })
      ).status,
    ).toBe(404);
    const leave = () =>
      server.request(`/patient/waitlist/${j2.id}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${second.token}` },
      });
    expect((await leave()).status).toBe(204);
    expect((await leave()).status).toBe(404);

    const free = await addSlot(server, dr.token, { day: "friday", start: "09:00", num_slots: 2 });
    const notFull = await post(server, "/patient/waitlist", second.token, {
      slot_id: free.id,
      patient_id: p2.id,
      date: nextWeekday("friday"),
    });
    expect(notFull.status).toBe(409);
  });

  it("never exceeds capacity when cancels and bookings race on a full sitting with a waitlist", async () => {
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "monday", start: "13:00", num_slots: 3 });
    const date = nextWeekday("monday");
    // Two patients per account: one account may hold or wait for only a few places in a sitting.
    const patients = await patientsOfAccounts(server, 12, 2);
    const book = (p: { id: number; token: string }) =>
      post(server, "/patient/new_appointment", p.token, { slot_id: slot.id, patient_id: p.id, date });
    const seated = await Promise.all(
      patients.slice(0, 3).map(async (p) => ({
        id: ((await (await book(p)).json()) as { id: number }).id,
        token: p.token,
      })),
    );
    for (const p of patients.slice(3, 7)) {
      expect(
        (await post(server, "/patient/waitlist", p.token, { slot_id: slot.id, patient_id: p.id, date }))
          .status,
      ).toBe(201);
    }
    const answers = await Promise.all([
      ...seated.map((a) => post(server, `/patient/appointment/${a.id}/cancel`, a.token, {})),
      ...patients.slice(7).map((p) => book(p)),
    ]);
    expect(answers.every((r) => r.status < 500)).toBe(true);

    const live = await pool.any(sql.type(z.object({ seat: z.number(), patientId: z.number() }))`
      SELECT seat, patient_id AS "patientId" FROM appointments
      WHERE slot_id = ${slot.id} AND sitting_date = ${date} AND status <> 'cancelled' ORDER BY seat
    `);
    expect(live.length).toBeLessThanOrEqual(3);
    expect(new Set(live.map((a) => a.seat)).size).toBe(live.length);
    expect(live.length).toBe(3);
    const waiters = new Set(patients.slice(3, 7).map((p) => p.id));
    expect(live.filter((a) => waiters.has(a.patientId)).length).toBeGreaterThanOrEqual(1);
  });

  it("sends a reminder only while the appointment still holds, and only once", async () => {
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "tuesday", start: "10:00" });
    const user = await registerAndSignIn(server);
    const [kept, dropped] = [await newPatient(server, user.token), await newPatient(server, user.token)];
    // At least a day and a half away, so that the 24-hour reminder is still to come whatever the hour
    // (the next Tuesday was less than 24 hours away on a Monday afternoon).
    const date = nextWeekday("tuesday", new Date(Date.now() + 86_400_000));
    const book = async (patientId: number) =>
      (await (
        await post(server, "/patient/new_appointment", user.token, {
          slot_id: slot.id,
          patient_id: patientId,
          date,
        })
      ).json()) as {
        id: number;
        seat: number;
      };
    const [a, b] = [await book(kept.id), await book(dropped.id)];
    await post(server, `/patient/appointment/${b.id}/cancel`, user.token, {});

    const planned: unknown[] = [];
    const queue: JobQueue = {
      enqueue: async (jobs) => void planned.push(...jobs),
      failed: async () => [],
      retryFailed: async () => 0,
    };
    const c = server.runtime.container;
    const reminders = new Reminders(c.get(APPOINTMENT_READ_MODEL), queue, c.get(UNIT_OF_WORK), c.get(CLOCK));
    const fire = (id: number, seat: number) =>
      reminders.fire({
        id: "t",
        name: "reminder_2h",
        attemptsMade: 0,
        data: { appointmentId: id, kind: "reminder_2h", date, seat },
      });
    await fire(b.id, b.seat);
    await fire(a.id, a.seat);
    await fire(a.id, a.seat);
    const kinds = async (id: number) =>
      pool.anyFirst(
        sql.type(
          z.object({ kind: z.string() }),
        )`SELECT kind FROM notifications WHERE appointment_id = ${id} ORDER BY id`,
      );
    expect(await kinds(a.id)).toEqual(["booked", "reminder_2h"]);
    expect(await kinds(b.id)).toEqual(["booked", "cancelled"]);

    await reminders.plan({
      id: "p",
      name: "outbox",
      attemptsMade: 0,
      data: { events: [{ outboxId: "1", type: "AppointmentBooked", payload: { appointmentId: a.id } }] },
    });
    expect(planned).toHaveLength(2);
    expect(planned).toMatchObject([{ name: "reminder_24h" }, { name: "reminder_2h" }]);

    // Redis lost its delayed jobs: every live appointment is planned again from Postgres, cancelled ones not.
    planned.length = 0;
    expect(await reminders.replanUpcoming(c.get(VISIT_READ_MODEL), 50)).toBeGreaterThanOrEqual(1);
    const replanned = (planned as { data: { appointmentId: number } }[]).map((j) => j.data.appointmentId);
    expect(replanned.filter((id) => id === a.id)).toHaveLength(2);
    expect(replanned).not.toContain(b.id);
  });
});
