import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PG_POOL } from "../../src/container.js";
import { registerAndSignIn } from "../support/accounts.js";
import { addSlot, auth, get, newDoctor, newPatient, patientsOfAccounts, post } from "../support/booking.js";
import { uniqueWord } from "../support/fixtures.js";
import { startTestServer, type TestServer } from "../support/server.js";

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const today = () => new Date().toISOString().slice(0, 10);
/** The UTC date `n` days from today and its weekday. */
const inDays = (n: number) => {
  const d = new Date(Date.parse(`${today()}T00:00:00Z`) + n * 86_400_000);
  return { date: d.toISOString().slice(0, 10), day: WEEKDAYS[d.getUTCDay()] as string };
};

interface Patient {
  id: number;
  name: string;
  age: number;
  gender: string;
  symptoms: string | null;
}

describe("patients change their data: PATCH and DELETE /patient/{id}", () => {
  let server: TestServer;
  let pool: DatabasePool;
  beforeAll(async () => {
    server = await startTestServer();
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
  });
  afterAll(async () => {
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
  const booked = async (token: string, slotId: number, patientId: number, date?: string) => {
    const res = await book(token, slotId, patientId, date);
    expect(res.status).toBe(201);
    return (await res.json()) as { id: number; seat: number };
  };
  const codeOf = async (res: Response) => ((await res.json()) as { type: string }).type.split("/").pop();
  const row = z.object({
    status: z.string(),
    cancelledBy: z.string().nullable(),
    patientId: z.number(),
    seat: z.number(),
  });
  const appointmentRow = (id: number) =>
    pool.one(sql.type(row)`
      SELECT status, cancelled_by AS "cancelledBy", patient_id AS "patientId", seat FROM appointments WHERE id = ${id}
    `);
  /** A visit in a sitting of today that has started (the API cannot book one), as the doctor's. */
  const insertVisit = (patientId: number, slotId: number, doctorId: number, seat = 1) =>
    pool.oneFirst(sql.type(z.object({ id: z.number() }))`
      INSERT INTO appointments (patient_id, slot_id, doctor_id, sitting_date, seat, capacity)
      SELECT ${patientId}, id, doctor_id, ${today()}, ${seat}, num_slots FROM slots
      WHERE id = ${slotId} AND doctor_id = ${doctorId} RETURNING id
    `);

  it("PATCH changes only the fields given, checked as at registration; the change shows in GET", async () => {
    const owner = await registerAndSignIn(server);
    const created = (await (
      await post(server, "/patient/new", owner.token, {
        name: "Sara Khan",
        age: 34,
        gender: "female",
        symptoms: "fever",
      })
    ).json()) as Patient;

    const changed = await send("PATCH", `/patient/${created.id}`, owner.token, {
      age: 35,
      gender: " Other ",
    });
    expect(changed.status).toBe(200);
    const expected = { id: created.id, name: "Sara Khan", age: 35, gender: "other", symptoms: "fever" };
    expect(await changed.json()).toEqual(expected);
    expect(await (await get(server, `/patient/get/${created.id}`, owner.token)).json()).toEqual(expected);

    const cleared = await send("PATCH", `/patient/${created.id}`, owner.token, {
      name: "  Sara K  ",
      symptoms: null,
    });
    expect(await cleared.json()).toEqual({ ...expected, name: "Sara K", symptoms: null });
    const list = (await (await get(server, "/patient/all", owner.token)).json()) as { data: Patient[] };
    expect(list.data).toEqual([{ ...expected, name: "Sara K", symptoms: null }]);

    // Invalid values, an empty change and a body of unknown fields only are 400; nothing changed.
    for (const body of [
      {},
      { nickname: "S" },
      { age: 151 },
      { age: -1 },
      { age: 3.5 },
      { gender: "robot" },
      { name: "" },
      { name: "   " },
      { name: "x".repeat(101) },
      { symptoms: "x".repeat(2001) },
      { age: "35" },
    ]) {
      const res = await send("PATCH", `/patient/${created.id}`, owner.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await codeOf(res)).toBe("validation_failed");
    }
    expect(await (await get(server, `/patient/get/${created.id}`, owner.token)).json()).toEqual({
      ...expected,
      name: "Sara K",
      symptoms: null,
    });

    // Another account's or an unknown patient is not found; without a token, 401.
    const other = await registerAndSignIn(server);
    const foreign = await send("PATCH", `/patient/${created.id}`, other.token, { age: 1 });
    expect(foreign.status).toBe(404);
    expect(await codeOf(foreign)).toBe("patient_not_found");
    expect((await send("PATCH", "/patient/2147483647", owner.token, { age: 1 })).status).toBe(404);
    expect((await send("DELETE", `/patient/${created.id}`, other.token)).status).toBe(404);
    expect(
      (
        await server.request(`/patient/${created.id}`, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ age: 1 }),
        })
      ).status,
    ).toBe(401);
    expect((await get(server, `/patient/get/${created.id}`, owner.token)).status).toBe(200);
  });

  it("DELETE gives up the patient's places (seat to the first waiting), erases it, keeps its past visits", async () => {
    // Doctor 1: a visit of today (fulfilled and rated) and a booking to come.
    const dr1 = await newDoctor(server, { name: "Erasure Doctor One", timezone: "UTC" });
    const now = inDays(0);
    const visitSlot = await addSlot(server, dr1.token, {
      day: now.day,
      start: "00:00",
      appointment_duration: 5,
      num_slots: 4,
    });
    const later = inDays(3);
    const futureSlot = await addSlot(server, dr1.token, { day: later.day, start: "10:00", num_slots: 3 });
    // Doctor 2: a one-seat sitting the patient holds, with someone waiting; another it waits for.
    const dr2 = await newDoctor(server, { name: "Erasure Doctor Two", timezone: "UTC" });
    const soon = inDays(2);
    const fullSlot = await addSlot(server, dr2.token, { day: soon.day, start: "09:00", num_slots: 1 });
    const after = inDays(4);
    const otherFull = await addSlot(server, dr2.token, { day: after.day, start: "09:00", num_slots: 1 });
    // Doctor 3: a sitting of today that has started (all day long), with the patient's booked seat.
    const dr3 = await newDoctor(server, { name: "Erasure Doctor Three", timezone: "UTC" });
    const runningSlot = await addSlot(server, dr3.token, {
      day: now.day,
      start: "00:00",
      appointment_duration: 60,
      num_slots: 23,
    });

    const owner = await registerAndSignIn(server);
    // Words of this run only: the check that they are gone looks at every row of the database.
    const erasedName = `Zainab ${uniqueWord("E")}`;
    const erasedSymptoms = `chest pain at night ${uniqueWord("s")}`;
    const gone = (await (
      await post(server, "/patient/new", owner.token, {
        name: erasedName,
        age: 52,
        gender: "female",
        symptoms: erasedSymptoms,
      })
    ).json()) as Patient;
    const kept = await newPatient(server, owner.token, "Kept Patient");
    const [first, second, holder] = await patientsOfAccounts(server, 3, 1);
    if (!first || !second || !holder) throw new Error("no patients");

    // The past visit: arrived, fulfilled and rated 5 by the owner.
    const visit = await insertVisit(gone.id, visitSlot.id, dr1.id);
    for (const status of ["arrived", "fulfilled"]) {
      const res = await post(server, `/doctors/appointments/${visit}/status`, dr1.token, { status });
      expect(res.status).toBe(200);
    }
    expect(
      (await post(server, `/patient/appointment/${visit}/rating`, owner.token, { rating: 5 })).status,
    ).toBe(201);
    const future = await booked(owner.token, futureSlot.id, gone.id, later.date);
    const seat = await booked(owner.token, fullSlot.id, gone.id, soon.date);
    for (const p of [first, second]) {
      const res = await post(server, "/patient/waitlist", p.token, {
        slot_id: fullSlot.id,
        patient_id: p.id,
        date: soon.date,
      });
      expect(res.status).toBe(201);
    }
    const heldByOther = await booked(holder.token, otherFull.id, holder.id, after.date);
    const waiting = await post(server, "/patient/waitlist", owner.token, {
      slot_id: otherFull.id,
      patient_id: gone.id,
      date: after.date,
    });
    expect(waiting.status).toBe(201);
    const entry = (await waiting.json()) as { id: number };
    const running = await insertVisit(gone.id, runningSlot.id, dr3.id);

    const doctorBefore = (await (await get(server, `/doctors/get/${dr1.id}`)).json()) as Record<
      string,
      unknown
    >;
    expect(doctorBefore).toMatchObject({ no_of_patients: 1, rating: 5, rating_count: 1 });

    const deleted = await send("DELETE", `/patient/${gone.id}`, owner.token);
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");

    // Gone for its owner: every read and write with it is 404; the other patient stays.
    expect((await get(server, `/patient/get/${gone.id}`, owner.token)).status).toBe(404);
    expect((await send("PATCH", `/patient/${gone.id}`, owner.token, { age: 53 })).status).toBe(404);
    expect((await send("DELETE", `/patient/${gone.id}`, owner.token)).status).toBe(404);
    const rebook = await book(owner.token, futureSlot.id, gone.id, later.date);
    expect(rebook.status).toBe(404);
    expect(await codeOf(rebook)).toBe("patient_not_found");
    const list = (await (await get(server, "/patient/all", owner.token)).json()) as {
      data: Patient[];
      total: number;
    };
    expect(list).toMatchObject({ total: 1, data: [{ id: kept.id, name: "Kept Patient" }] });

    // Its live seats are cancelled by the patient; the freed one went to the first waiting entry.
    expect(await appointmentRow(future.id)).toMatchObject({ status: "cancelled", cancelledBy: "patient" });
    expect(await appointmentRow(seat.id)).toMatchObject({ status: "cancelled", cancelledBy: "patient" });
    const firstNotices = (await (await get(server, "/users/notifications", first.token)).json()) as {
      data: { kind: string; appointment_id: number | null }[];
    };
    const moved = firstNotices.data.find((n) => n.kind === "moved_from_waitlist");
    expect(moved).toBeDefined();
    const handedOver = (await (
      await get(server, `/patient/appointment/${moved?.appointment_id}`, first.token)
    ).json()) as { status: string; seat: number; date: string; patient: { id: number } };
    expect(handedOver).toMatchObject({
      status: "booked",
      seat: 1,
      date: soon.date,
      patient: { id: first.id },
    });
    const secondNotices = (await (await get(server, "/users/notifications", second.token)).json()) as {
      data: { kind: string }[];
    };
    expect(secondNotices.data.map((n) => n.kind)).not.toContain("moved_from_waitlist");
    const ownerNotices = (await (await get(server, "/users/notifications", owner.token)).json()) as {
      data: { kind: string; appointment_id: number | null }[];
    };
    expect(
      ownerNotices.data
        .filter((n) => n.kind === "cancelled")
        .map((n) => n.appointment_id)
        .sort(),
    ).toEqual([future.id, seat.id].sort());

    // Its waiting entry ended; the one-seat sitting it waited for is unchanged.
    const entryStatus = await pool.oneFirst(
      sql.type(z.object({ status: z.string() }))`SELECT status FROM waitlist_entries WHERE id = ${entry.id}`,
    );
    expect(entryStatus).toBe("left");
    expect(await appointmentRow(heldByOther.id)).toMatchObject({ status: "booked", patientId: holder.id });
    // The sitting that has started keeps its seat (it is taking place); the past visit stays fulfilled.
    expect(await appointmentRow(running)).toMatchObject({ status: "booked", patientId: gone.id });
    expect(await appointmentRow(visit)).toMatchObject({ status: "fulfilled" });

    // Its name and symptoms are erased in the database.
    const erased = await pool.one(
      sql.type(
        z.object({ name: z.string(), symptoms: z.string().nullable(), deleted: z.boolean() }),
      )`SELECT name, symptoms, deleted_at IS NOT NULL AS deleted FROM patients WHERE id = ${gone.id}`,
    );
    expect(erased).toEqual({ name: "Deleted patient", symptoms: null, deleted: true });
    const leftovers = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM patients WHERE name = ${erasedName} OR symptoms = ${erasedSymptoms}
    `);
    expect(leftovers).toBe(0);
    const event = await pool.maybeOne(sql.type(z.object({ userId: z.number() }))`
      SELECT (payload->>'userId')::int AS "userId" FROM outbox
      WHERE type = 'PatientDeleted' AND (payload->>'patientId')::int = ${gone.id}
    `);
    expect(event).toEqual({ userId: owner.user.id });

    // The doctor's count and rating do not change; its day shows the visit, anonymised.
    expect(await (await get(server, `/doctors/get/${dr1.id}`)).json()).toMatchObject({
      no_of_patients: 1,
      rating: 5,
      rating_count: 1,
    });
    const day = (await (await get(server, `/doctors/appointments?date=${now.date}`, dr1.token)).json()) as {
      data: { appointments: { id: number; status: string; patient: Patient }[] }[];
    };
    const shown = day.data.flatMap((s) => s.appointments).find((a) => a.id === visit);
    expect(shown).toMatchObject({
      status: "fulfilled",
      patient: { id: gone.id, name: "Deleted patient", symptoms: null },
    });
    expect(JSON.stringify(day)).not.toContain("Zainab");
  });

  it("a delete racing bookings of the same sittings: no seat twice, none over capacity, no live seat left", async () => {
    const dr = await newDoctor(server, { name: "Erasure Race Doctor", timezone: "UTC" });
    const [d1, d2] = [inDays(5), inDays(6)];
    const [slot1, slot2] = [
      await addSlot(server, dr.token, { day: d1.day, start: "09:00", num_slots: 2 }),
      await addSlot(server, dr.token, { day: d2.day, start: "09:00", num_slots: 2 }),
    ];
    const owner = await registerAndSignIn(server);
    const gone = await newPatient(server, owner.token, "Racing Patient");
    const [other, waiter, ...bookers] = await patientsOfAccounts(server, 10, 1);
    if (!other || !waiter) throw new Error("no patients");
    // The first sitting is full (the patient and another), with someone waiting; the second has room.
    await booked(owner.token, slot1.id, gone.id, d1.date);
    await booked(other.token, slot1.id, other.id, d1.date);
    expect(
      (
        await post(server, "/patient/waitlist", waiter.token, {
          slot_id: slot1.id,
          patient_id: waiter.id,
          date: d1.date,
        })
      ).status,
    ).toBe(201);
    await booked(owner.token, slot2.id, gone.id, d2.date);

    const [deleted, renamed, ...answers] = await Promise.all([
      send("DELETE", `/patient/${gone.id}`, owner.token),
      // An edit racing the delete comes before it (and is erased) or after it (404): never after it.
      send("PATCH", `/patient/${gone.id}`, owner.token, { name: "Back Again", symptoms: "still here" }),
      ...bookers.flatMap((b, i) => [
        book(b.token, i % 2 === 0 ? slot1.id : slot2.id, b.id, i % 2 === 0 ? d1.date : d2.date),
        book(b.token, i % 2 === 0 ? slot2.id : slot1.id, b.id, i % 2 === 0 ? d2.date : d1.date),
      ]),
    ]);
    expect(deleted?.status).toBe(204);
    expect([200, 404]).toContain(renamed?.status);
    for (const res of answers) expect([201, 409]).toContain(res.status);

    const live = await pool.any(sql.type(
      z.object({ slotId: z.number(), seat: z.number(), patientId: z.number() }),
    )`
      SELECT slot_id AS "slotId", seat, patient_id AS "patientId" FROM appointments
      WHERE slot_id IN (${slot1.id}, ${slot2.id}) AND status <> 'cancelled'
    `);
    for (const slotId of [slot1.id, slot2.id]) {
      const seats = live.filter((a) => a.slotId === slotId).map((a) => a.seat);
      expect(new Set(seats).size).toBe(seats.length);
      expect(seats.length).toBeLessThanOrEqual(2);
      expect(seats.every((s) => s >= 1 && s <= 2)).toBe(true);
    }
    expect(live.filter((a) => a.patientId === gone.id)).toEqual([]);
    // The seat freed in the full sitting went to the one waiting, whichever came first.
    expect(live.filter((a) => a.slotId === slot1.id).map((a) => a.patientId)).toContain(waiter.id);
    expect(answers.filter((r) => r.status === 201).length).toBe(
      live.filter((a) => a.patientId !== other.id && a.patientId !== waiter.id).length,
    );
    const erased = await pool.one(
      sql.type(z.object({ name: z.string(), symptoms: z.string().nullable() }))`
        SELECT name, symptoms FROM patients WHERE id = ${gone.id}`,
    );
    expect(erased).toEqual({ name: "Deleted patient", symptoms: null });
  });
});
