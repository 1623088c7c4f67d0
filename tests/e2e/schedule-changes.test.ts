import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PG_POOL, startWorkers } from "../../src/container.js";
import { registerAndSignIn } from "../support/accounts.js";
import { addSlot, auth, get, newDoctor, newPatient, patientsOfAccounts, post } from "../support/booking.js";
import { eventually } from "../support/eventually.js";
import { addDays, nextWeekday, uniqueWord } from "../support/fixtures.js";
import { startTestServer, type TestServer } from "../support/server.js";

interface Appointment {
  id: number;
  status: string;
  date: string;
  seat: number;
  cancelled_by: string | null;
  cancellation_reason: string | null;
  rescheduled_from: unknown;
}
interface Notice {
  kind: string;
  text: string;
  appointment_id: number | null;
}
interface Sitting {
  slot_id: number;
  date: string;
  status: string;
  closed_reason: string | null;
  available: number;
}

const today = () => new Date().toISOString().slice(0, 10);

describe("doctors change their schedule: time off, retired slots, a doctor's cancel", () => {
  let server: TestServer;
  let pool: DatabasePool;
  let workers: { close(): Promise<void> };
  beforeAll(async () => {
    server = await startTestServer();
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    workers = startWorkers(server.runtime, { queueName: `schedule-${Date.now()}` });
  });
  afterAll(async () => {
    await workers.close();
    await server.close();
  });

  const send = (method: string, path: string, token: string, body?: unknown) =>
    server.request(path, {
      method,
      headers: auth(token, body === undefined ? {} : { "content-type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const book = (token: string, slotId: number, patientId: number, date?: string) =>
    post(server, "/patient/new_appointment", token, { slot_id: slotId, patient_id: patientId, date });
  const appointment = async (token: string, id: number) =>
    (await (await get(server, `/patient/appointment/${id}`, token)).json()) as Appointment;
  const notices = async (token: string) =>
    ((await (await get(server, "/users/notifications", token)).json()) as { data: Notice[] }).data;
  const timings = async (doctorId: number, from: string, days = 14) =>
    (
      (await (await get(server, `/doctors/timings/${doctorId}?from=${from}&days=${days}`)).json()) as {
        data: Sitting[];
      }
    ).data;
  const codeOf = async (res: Response) => ((await res.json()) as { type: string }).type.split("/").pop();
  const fieldsOf = async (res: Response) =>
    ((await res.json()) as { errors?: { path: string }[] }).errors?.map((e) => e.path) ?? [];

  it("time off closes the sittings on its dates: seats cancelled with the reason, waiting ended, everyone told", async () => {
    const dr = await newDoctor(server);
    // At 00:00, so that on a Monday today's sitting has started and "without a date" cannot take it.
    const slot = await addSlot(server, dr.token, { day: "monday", start: "00:00", num_slots: 2 });
    const monday = nextWeekday("monday");
    const [a, b, c] = await patientsOfAccounts(server, 3, 1);
    if (!a || !b || !c) throw new Error("three patients");
    const booked = [];
    for (const p of [a, b]) {
      const res = await book(p.token, slot.id, p.id, monday);
      expect(res.status).toBe(201);
      booked.push((await res.json()) as Appointment);
    }
    const waiting = await post(server, "/patient/waitlist", c.token, {
      slot_id: slot.id,
      patient_id: c.id,
      date: monday,
    });
    expect(waiting.status).toBe(201);

    const taken = await post(server, "/doctors/time_off", dr.token, {
      from: monday,
      to: monday,
      reason: "conference",
    });
    expect(taken.status).toBe(201);
    const timeOff = (await taken.json()) as { id: number; cancelled_appointments: number };
    expect(timeOff).toMatchObject({
      from: monday,
      to: monday,
      reason: "conference",
      cancelled_appointments: 2,
    });

    for (const [p, made] of [
      [a, booked[0]],
      [b, booked[1]],
    ] as const) {
      expect(await appointment(p.token, made?.id ?? 0)).toMatchObject({
        status: "cancelled",
        cancelled_by: "doctor",
        cancellation_reason: "conference",
        rescheduled_from: null,
      });
      const told = (await notices(p.token)).find((n) => n.kind === "sitting_closed");
      expect(told?.text).toContain(monday);
      expect(told?.text).toContain("conference");
    }
    const waitingTold = (await notices(c.token)).find((n) => n.kind === "sitting_closed");
    expect(waitingTold?.text).toContain("waitlist");
    const entries = await pool.anyFirst(sql.type(z.object({ status: z.string() }))`
      SELECT status FROM waitlist_entries WHERE slot_id = ${slot.id}
    `);
    expect(entries).toEqual(["left"]);

    // Nobody books or waits for the closed sitting; without a date the next Monday is taken.
    const refused = await book(a.token, slot.id, a.id, monday);
    expect(refused.status).toBe(409);
    expect(await codeOf(refused)).toBe("sitting_closed");
    const wait = await post(server, "/patient/waitlist", a.token, {
      slot_id: slot.id,
      patient_id: a.id,
      date: monday,
    });
    expect(wait.status).toBe(409);
    expect(await codeOf(wait)).toBe("sitting_closed");
    const skipped = await book(a.token, slot.id, a.id);
    expect(skipped.status).toBe(201);
    expect(((await skipped.json()) as Appointment).date).toBe(addDays(monday, 7));

    const week = await timings(dr.id, monday);
    expect(week.find((s) => s.date === monday)).toMatchObject({
      status: "closed",
      closed_reason: "conference",
      available: 0,
    });
    expect(week.find((s) => s.date === addDays(monday, 7))).toMatchObject({
      status: "open",
      closed_reason: null,
    });

    // A second time off over the same date is allowed and cancels nothing more.
    const again = await post(server, "/doctors/time_off", dr.token, { from: monday, to: addDays(monday, 1) });
    expect(again.status).toBe(201);
    const second = (await again.json()) as {
      id: number;
      cancelled_appointments: number;
      reason: string | null;
    };
    expect(second).toMatchObject({ cancelled_appointments: 0, reason: null });
    const list = (await (await get(server, "/doctors/time_off", dr.token)).json()) as {
      data: { id: number }[];
    };
    expect(list.data.map((t) => t.id)).toEqual([timeOff.id, second.id]);

    // Another doctor cannot see or end them; ending both reopens the sitting, cancelled stays cancelled.
    const other = await newDoctor(server);
    expect(
      ((await (await get(server, "/doctors/time_off", other.token)).json()) as { data: [] }).data,
    ).toEqual([]);
    expect((await send("DELETE", `/doctors/time_off/${timeOff.id}`, other.token)).status).toBe(404);
    expect((await send("DELETE", `/doctors/time_off/${timeOff.id}`, dr.token)).status).toBe(204);
    expect((await send("DELETE", `/doctors/time_off/${timeOff.id}`, dr.token)).status).toBe(404);
    const stillClosed = await book(b.token, slot.id, b.id, monday);
    expect(await codeOf(stillClosed)).toBe("sitting_closed");
    expect((await send("DELETE", `/doctors/time_off/${second.id}`, dr.token)).status).toBe(204);
    expect((await book(b.token, slot.id, b.id, monday)).status).toBe(201);
    expect((await appointment(a.token, booked[0]?.id ?? 0)).status).toBe("cancelled");
    expect((await timings(dr.id, monday)).find((s) => s.date === monday)?.status).toBe("open");
  });

  it("refuses bad time off with the field, never a 500; patients may not take any", async () => {
    const dr = await newDoctor(server);
    const cases: [unknown, string][] = [
      [{ from: addDays(today(), 5), to: addDays(today(), 4) }, "to"],
      [{ from: addDays(today(), -1), to: addDays(today(), 1) }, "from"],
      [{ from: today(), to: addDays(today(), 366) }, "to"],
      [{ from: "2026-02-30", to: "2026-03-01" }, "from"],
      [{ from: today(), to: today(), reason: "" }, "reason"],
      [{ from: today(), to: today(), reason: "   " }, "reason"],
      [{ from: today(), to: today(), reason: "x".repeat(5000) }, "reason"],
      [{ from: today() }, "to"],
    ];
    for (const [body, field] of cases) {
      const res = await post(server, "/doctors/time_off", dr.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await fieldsOf(res)).toContain(field);
    }
    expect(
      (await post(server, "/doctors/time_off", dr.token, { from: today(), to: addDays(today(), 365) }))
        .status,
    ).toBe(201);
    const user = await registerAndSignIn(server);
    expect((await post(server, "/doctors/time_off", user.token, { from: today(), to: today() })).status).toBe(
      403,
    );
    expect((await send("DELETE", "/doctors/time_off/2147483647", dr.token)).status).toBe(404);
  });

  it("retires a slot from a date: later sittings close, earlier ones stay, the slot leaves the profile and search", async () => {
    const surname = uniqueWord("S");
    const dr = await newDoctor(server, { name: `Imran ${surname}` });
    const slot = await addSlot(server, dr.token, { day: "wednesday", start: "10:00", num_slots: 3 });
    const first = nextWeekday("wednesday");
    const second = addDays(first, 7);
    const [p] = await patientsOfAccounts(server, 1);
    if (!p) throw new Error("a patient");
    const early = (await (await book(p.token, slot.id, p.id, first)).json()) as Appointment;
    const late = (await (await book(p.token, slot.id, p.id, second)).json()) as Appointment;
    const inSearch = async () =>
      (
        (await (await get(server, `/misc/doctors/search?q=${surname}&day=wednesday`)).json()) as {
          data: { id: number }[];
        }
      ).data.some((d) => d.id === dr.id);
    expect(await eventually(inSearch, 3_000, 50)).toBe(true);

    expect(
      (await send("DELETE", `/doctors/slots/${slot.id}?from=${addDays(today(), -1)}`, dr.token)).status,
    ).toBe(400);
    expect((await send("DELETE", `/doctors/slots/${slot.id}?from=not-a-date`, dr.token)).status).toBe(400);
    const other = await newDoctor(server);
    expect((await send("DELETE", `/doctors/slots/${slot.id}`, other.token)).status).toBe(404);
    expect((await send("DELETE", `/doctors/slots/${slot.id}`, p.token)).status).toBe(403);

    const retired = await send("DELETE", `/doctors/slots/${slot.id}?from=${second}`, dr.token);
    expect(retired.status).toBe(200);
    expect(await retired.json()).toEqual({ slot_id: slot.id, from: second, cancelled_appointments: 1 });
    expect((await send("DELETE", `/doctors/slots/${slot.id}`, dr.token)).status).toBe(404);

    expect((await appointment(p.token, early.id)).status).toBe("booked");
    expect(await appointment(p.token, late.id)).toMatchObject({
      status: "cancelled",
      cancelled_by: "doctor",
      cancellation_reason: "slot retired",
    });
    expect((await notices(p.token)).some((n) => n.kind === "sitting_closed" && n.text.includes(second))).toBe(
      true,
    );
    const refused = await book(p.token, slot.id, p.id, addDays(second, 7));
    expect(await codeOf(refused)).toBe("sitting_closed");

    // The profile and slot list drop it at once; timings keep the sitting before the retirement only.
    const slots = (await (await get(server, `/doctors/slot/${dr.id}`)).json()) as { data: { id: number }[] };
    expect(slots.data).toEqual([]);
    const profile = (await (await get(server, `/doctors/get/${dr.id}`)).json()) as { slots: unknown[] };
    expect(profile.slots).toEqual([]);
    expect((await timings(dr.id, first, 21)).map((s) => s.date)).toEqual([first]);
    expect(await eventually(async () => !(await inSearch()), 3_000, 50)).toBe(true);

    // Its time is free for a new slot at once.
    expect(
      (
        await post(server, "/doctors/add_slot", dr.token, {
          day: "wednesday",
          start: "10:00",
          appointment_duration: 15,
          num_slots: 3,
          consultation_fee: 500,
        })
      ).status,
    ).toBe(201);
  });

  it("a doctor cancels one visit with a reason: the owner is told why, the seat goes to the first waiting", async () => {
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "thursday", start: "08:00", num_slots: 1 });
    const date = nextWeekday("thursday");
    const [holder, next] = await patientsOfAccounts(server, 2, 1);
    if (!holder || !next) throw new Error("two patients");
    const made = (await (await book(holder.token, slot.id, holder.id, date)).json()) as Appointment;
    expect(
      (await post(server, "/patient/waitlist", next.token, { slot_id: slot.id, patient_id: next.id, date }))
        .status,
    ).toBe(201);

    const other = await newDoctor(server);
    const path = `/doctors/appointments/${made.id}/cancel`;
    expect((await post(server, path, other.token, { reason: "x" })).status).toBe(404);
    expect((await post(server, path, holder.token, { reason: "x" })).status).toBe(403);
    expect((await post(server, path, dr.token, { reason: "" })).status).toBe(400);
    expect((await post(server, path, dr.token, {})).status).toBe(400);
    expect((await post(server, path, dr.token, { reason: "y".repeat(501) })).status).toBe(400);

    const res = await post(server, path, dr.token, { reason: "called to an emergency" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: made.id,
      status: "cancelled",
      cancelled_by: "doctor",
      cancellation_reason: "called to an emergency",
    });
    const told = (await notices(holder.token)).find((n) => n.kind === "cancelled_by_doctor");
    expect(told).toMatchObject({ appointment_id: made.id });
    expect(told?.text).toContain("called to an emergency");
    expect((await notices(next.token)).map((n) => n.kind)).toContain("moved_from_waitlist");
    const again = await post(server, path, dr.token, { reason: "again" });
    expect(again.status).toBe(409);

    // A patient's own cancel says so.
    const mine = (await (
      await book(holder.token, slot.id, holder.id, addDays(date, 7))
    ).json()) as Appointment;
    const cancelled = await post(server, `/patient/appointment/${mine.id}/cancel`, holder.token, {});
    expect(await cancelled.json()).toMatchObject({ cancelled_by: "patient", cancellation_reason: null });
  });

  const liveInClosedSittings = (slotId: number) =>
    pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM appointments a
      JOIN slots s ON s.id = a.slot_id
      WHERE a.slot_id = ${slotId} AND a.status IN ('booked', 'arrived')
        AND (a.sitting_date >= s.retired_from
          OR EXISTS (SELECT 1 FROM time_off t WHERE t.doctor_id = a.doctor_id
                     AND a.sitting_date BETWEEN t.from_date AND t.to_date))
    `);

  it("50 bookings racing a time off of their sitting: none stays live in it, every 201 was cancelled and told", async () => {
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, {
      day: "friday",
      start: "07:00",
      appointment_duration: 5,
      num_slots: 60,
    });
    const date = nextWeekday("friday");
    const patients = await patientsOfAccounts(server, 50, 2);
    const [answers, timeOff] = await Promise.all([
      Promise.all(patients.map((p) => book(p.token, slot.id, p.id, date))),
      post(server, "/doctors/time_off", dr.token, { from: date, to: date, reason: "strike" }),
    ]);
    expect(timeOff.status).toBe(201);
    const statuses = answers.map((r) => r.status);
    expect(
      statuses.every((s) => s === 201 || s === 409),
      statuses.join(","),
    ).toBe(true);
    expect(await liveInClosedSittings(slot.id)).toBe(0);
    const cancelledCount = ((await timeOff.json()) as { cancelled_appointments: number })
      .cancelled_appointments;
    let won = 0;
    for (const [i, res] of answers.entries()) {
      const patient = patients[i];
      if (!patient) continue;
      if (res.status === 409) {
        expect(await codeOf(res)).toBe("sitting_closed");
        continue;
      }
      won++;
      const made = (await res.json()) as Appointment;
      expect(await appointment(patient.token, made.id)).toMatchObject({
        status: "cancelled",
        cancelled_by: "doctor",
        cancellation_reason: "strike",
      });
      expect(
        (await notices(patient.token)).some(
          (n) => n.kind === "sitting_closed" && n.appointment_id === made.id,
        ),
      ).toBe(true);
    }
    expect(won).toBe(cancelledCount);
    const seats = await pool.anyFirst(sql.type(z.object({ seat: z.number() }))`
      SELECT seat FROM appointments WHERE slot_id = ${slot.id} AND sitting_date = ${date} AND status <> 'cancelled'
    `);
    expect(seats).toEqual([]);
  });

  it("bookings and patients' cancels racing a retirement: no live seat after it, no deadlock reaches a client", async () => {
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, {
      day: "saturday",
      start: "07:00",
      appointment_duration: 5,
      num_slots: 60,
    });
    const date = nextWeekday("saturday");
    const holders = await patientsOfAccounts(server, 10, 2);
    const held = [];
    for (const p of holders)
      held.push({ p, a: (await (await book(p.token, slot.id, p.id, date)).json()) as Appointment });
    const bookers = await patientsOfAccounts(server, 20, 2);
    const owner = await registerAndSignIn(server);
    const extra = await newPatient(server, owner.token);
    const [cancels, bookings, retired] = await Promise.all([
      Promise.all(held.map(({ p, a }) => post(server, `/patient/appointment/${a.id}/cancel`, p.token, {}))),
      Promise.all([
        ...bookers.map((p) => book(p.token, slot.id, p.id, date)),
        book(owner.token, slot.id, extra.id, date),
      ]),
      send("DELETE", `/doctors/slots/${slot.id}?from=${date}`, dr.token),
    ]);
    expect(retired.status).toBe(200);
    expect(
      cancels.every((r) => r.status === 200 || r.status === 409),
      cancels.map((r) => r.status).join(),
    ).toBe(true);
    expect(
      bookings.every((r) => r.status === 201 || r.status === 409),
      bookings.map((r) => r.status).join(),
    ).toBe(true);
    expect(await liveInClosedSittings(slot.id)).toBe(0);
    const cancelledBy = await pool.any(sql.type(z.object({ by: z.string().nullable(), n: z.number() }))`
      SELECT cancelled_by AS by, count(*)::int AS n FROM appointments WHERE slot_id = ${slot.id} GROUP BY 1 ORDER BY 1
    `);
    // Every appointment ever made there is cancelled, by its patient or by the doctor.
    expect(cancelledBy.every((r) => r.by === "patient" || r.by === "doctor")).toBe(true);
    const byDoctor = cancelledBy.find((r) => r.by === "doctor")?.n ?? 0;
    expect(byDoctor).toBe(
      ((await retired.json()) as { cancelled_appointments: number }).cancelled_appointments,
    );
  });
});
